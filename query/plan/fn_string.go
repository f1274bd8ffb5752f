package plan

import (
	"regexp"

	"clickhunt/column"
	"clickhunt/query/syntax"
)

// String function signatures; the kernels are in exec/fn_text.go.
// https://learn.microsoft.com/kusto/query/string-functions

// strFunc types a function whose arguments are checked by the given helpers
// in order (the last helper repeats for further arguments).
func strFunc(minArgs, maxArgs int, fn string, ret column.Type, checks ...func(*syntax.Call, []Expr, int) (Expr, error)) funcSig {
	return fsig(minArgs, maxArgs, func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
		out := make([]Expr, len(args))
		for i := range args {
			check := checks[min(i, len(checks)-1)]
			e, err := check(c, args, i)
			if err != nil {
				return nil, err
			}
			out[i] = e
		}
		return &Call{Fn: fn, Args: out, T: ret}, nil
	})
}

// regexArg checks that a constant pattern compiles, so a bad one is reported
// before the query runs (with its position).
func regexArg(c *syntax.Call, args []Expr, i int) (Expr, error) {
	e, err := strArg(c, args, i)
	if err != nil {
		return nil, err
	}
	if k, ok := e.(*Const); ok {
		if _, err := regexp.Compile(k.Val.(string)); err != nil {
			return nil, errAt(argPos(c, i), "%s(): bad regular expression: %v", c.Name, err)
		}
	}
	return e, nil
}

func init() {
	typeofFuncs["extract"] = true
	addFuncs(map[string]funcSig{
		"substring":              strFunc(2, 3, "substring", column.String, textArg, intArg),
		"strcat_delim":           strFunc(3, 64, "strcat_delim", column.String, textArg),
		"trim":                   strFunc(2, 2, "trim", column.String, regexArg, textArg),
		"trim_start":             strFunc(2, 2, "trim_start", column.String, regexArg, textArg),
		"trim_end":               strFunc(2, 2, "trim_end", column.String, regexArg, textArg),
		"split":                  strFunc(2, 3, "split", column.Dynamic, textArg, strArg, intArg),
		"replace_string":         strFunc(3, 3, "replace_string", column.String, textArg, strArg),
		"replace_regex":          strFunc(3, 3, "replace_regex", column.String, textArg, regexArg, strArg),
		"indexof":                strFunc(2, 5, "indexof", column.Long, textArg, textArg, intArg),
		"countof":                strFunc(2, 3, "countof", column.Long, textArg, strArg, strArg),
		"reverse":                strFunc(1, 1, "reverse", column.String, textArg),
		"url_decode":             strFunc(1, 1, "url_decode", column.String, strArg),
		"url_encode":             strFunc(1, 1, "url_encode", column.String, strArg),
		"url_encode_component":   strFunc(1, 1, "url_encode_component", column.String, strArg),
		"base64_encode_tostring": strFunc(1, 1, "base64_encode_tostring", column.String, textArg),
		"base64_decode_tostring": strFunc(1, 1, "base64_decode_tostring", column.String, strArg),
		"base64_encodestring":    strFunc(1, 1, "base64_encode_tostring", column.String, textArg),
		"base64_decodestring":    strFunc(1, 1, "base64_decode_tostring", column.String, strArg),
		"parse_url":              strFunc(1, 1, "parse_url", column.Dynamic, strArg),
		"parseurl":               strFunc(1, 1, "parse_url", column.Dynamic, strArg),
		"parse_path":             strFunc(1, 1, "parse_path", column.Dynamic, strArg),
		"parse_urlquery":         strFunc(1, 1, "parse_urlquery", column.Dynamic, strArg),
		"tohex":                  strFunc(1, 2, "tohex", column.String, intArg),
		"strrep":                 strFunc(2, 3, "strrep", column.String, textArg, intArg, textArg),
		"strlen":                 strFunc(1, 1, "strlen", column.Long, textArg),
		"tolower":                strFunc(1, 1, "tolower", column.String, strArg),
		"toupper":                strFunc(1, 1, "toupper", column.String, strArg),
		"extract": fsig(3, 4, func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
			re, err := regexArg(c, args, 0)
			if err != nil {
				return nil, err
			}
			grp, err := intArg(c, args, 1)
			if err != nil {
				return nil, err
			}
			src, err := textArg(c, args, 2)
			if err != nil {
				return nil, err
			}
			var call Expr = &Call{Fn: "extract", Args: []Expr{re, grp, src}, T: column.String}
			if len(args) == 4 {
				tl, ok := args[3].(*typeLit)
				if !ok {
					return nil, errAt(argPos(c, 3), "extract() argument 4 must be typeof(T), such as typeof(long)")
				}
				call = convertTo(call, tl.T)
			}
			return call, nil
		}),
		"extract_all": fsig(2, 3, func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
			re, err := regexArg(c, args, 0)
			if err != nil {
				return nil, err
			}
			out := []Expr{re}
			if len(args) == 3 {
				g, err := dynArg(c, args, 1)
				if err != nil {
					return nil, err
				}
				out = append(out, g)
			}
			src, err := textArg(c, args, len(args)-1)
			if err != nil {
				return nil, err
			}
			return &Call{Fn: "extract_all", Args: append(out, src), T: column.Dynamic}, nil
		}),
	})
}
