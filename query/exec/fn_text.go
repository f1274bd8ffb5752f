package exec

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"clickhunt/column"
	"clickhunt/query/plan"
)

// String functions. Each works once per dictionary entry when its only
// non-constant argument is a dictionary-encoded column (see valueKernel).
// https://learn.microsoft.com/kusto/query/string-functions
func init() {
	str := func(x any) string { s, _ := x.(string); return s }
	// https://learn.microsoft.com/kusto/query/substring-function
	registerK("substring", valueKernel(column.String, func(a []any) any {
		r := []rune(str(a[0]))
		start, ok := a[1].(int64)
		if !ok {
			return ""
		}
		if start < 0 {
			start = max(int64(len(r))+start, 0)
		}
		if start >= int64(len(r)) {
			return ""
		}
		end := int64(len(r))
		if len(a) > 2 && a[2] != nil {
			n := a[2].(int64)
			if n < 0 {
				return ""
			}
			end = min(end, start+n)
		}
		return string(r[start:end])
	}))
	// https://learn.microsoft.com/kusto/query/strcat-delim-function
	registerK("strcat_delim", func(a []*column.Vector, n int) *column.Vector {
		out := newStrs(n)
		parts := make([]string, len(a)-1)
		for i := 0; i < n; i++ {
			for j := range parts {
				parts[j] = a[j+1].Str(i)
			}
			out.Strs[i] = strings.Join(parts, a[0].Str(i))
		}
		return out
	})
	// https://learn.microsoft.com/kusto/query/trim-function
	register("trim", trimFactory(true, true))
	register("trim_start", trimFactory(true, false))
	register("trim_end", trimFactory(false, true))
	// https://learn.microsoft.com/kusto/query/split-function
	registerK("split", valueKernel(column.Dynamic, func(a []any) any {
		s, d := str(a[0]), str(a[1])
		var parts []string
		if d == "" {
			parts = []string{s}
		} else {
			parts = strings.Split(s, d)
		}
		if len(a) > 2 {
			k, ok := a[2].(int64)
			if !ok || k < 0 || k >= int64(len(parts)) {
				return []any{}
			}
			return []any{parts[k]}
		}
		out := make([]any, len(parts))
		for i, p := range parts {
			out[i] = p
		}
		return out
	}))
	// https://learn.microsoft.com/kusto/query/replace-string-function
	registerK("replace_string", valueKernel(column.String, func(a []any) any {
		if str(a[1]) == "" {
			return str(a[0])
		}
		return strings.ReplaceAll(str(a[0]), str(a[1]), str(a[2]))
	}))
	// https://learn.microsoft.com/kusto/query/replace-regex-function
	register("replace_regex", func(c *plan.Call) (kernel, error) {
		res := newRegexCache(c.Args[1])
		return valueKernel(column.String, func(a []any) any {
			re, err := res.get(str(a[1]))
			if err != nil {
				return str(a[0])
			}
			return re.ReplaceAllString(str(a[0]), kustoRewrite(str(a[2])))
		}), res.err
	})
	// https://learn.microsoft.com/kusto/query/extract-function
	register("extract", func(c *plan.Call) (kernel, error) {
		res := newRegexCache(c.Args[0])
		return valueKernel(column.String, func(a []any) any {
			re, err := res.get(str(a[0]))
			g, ok := a[1].(int64)
			if err != nil || !ok || g < 0 || int(g) > re.NumSubexp() {
				return ""
			}
			m := re.FindStringSubmatchIndex(str(a[2]))
			if m == nil || m[2*g] < 0 {
				return ""
			}
			return str(a[2])[m[2*g]:m[2*g+1]]
		}), res.err
	})
	// https://learn.microsoft.com/kusto/query/extract-all-function
	register("extract_all", func(c *plan.Call) (kernel, error) {
		res := newRegexCache(c.Args[0])
		return valueKernel(column.Dynamic, func(a []any) any {
			re, err := res.get(str(a[0]))
			if err != nil {
				return nil
			}
			var groups []int
			if len(a) == 3 {
				gs, _ := a[1].([]any)
				for _, g := range gs {
					switch g := g.(type) {
					case int64:
						groups = append(groups, int(g))
					case string:
						groups = append(groups, re.SubexpIndex(g))
					}
				}
			} else {
				for i := 1; i <= re.NumSubexp(); i++ {
					groups = append(groups, i)
				}
			}
			if len(groups) == 0 {
				groups = []int{0}
			}
			src := str(a[len(a)-1])
			ms := re.FindAllStringSubmatchIndex(src, -1)
			if len(ms) == 0 {
				return nil
			}
			out := make([]any, 0, len(ms))
			for _, m := range ms {
				row := make([]any, len(groups))
				for k, g := range groups {
					if g >= 0 && 2*g+1 < len(m) && m[2*g] >= 0 {
						row[k] = src[m[2*g]:m[2*g+1]]
					} else {
						row[k] = ""
					}
				}
				if len(groups) == 1 {
					out = append(out, row[0])
				} else {
					out = append(out, row)
				}
			}
			return out
		}), res.err
	})
	// https://learn.microsoft.com/kusto/query/indexof-function
	registerK("indexof", valueKernel(column.Long, func(a []any) any {
		src, look := []rune(str(a[0])), str(a[1])
		start, length, occ := int64(0), int64(-1), int64(1)
		for i, p := range []*int64{&start, &length, &occ} {
			if len(a) > i+2 {
				v, ok := a[i+2].(int64)
				if !ok {
					return nil
				}
				*p = v
			}
		}
		if start < 0 {
			start += int64(len(src))
		}
		if start < 0 || occ < 0 || length < -1 {
			return nil
		}
		if occ == 0 {
			occ = 1
		}
		// length bounds where a match may start, not where it ends:
		// indexof("abcdefg", "cde", 1, 2) is 2.
		end := int64(len(src))
		if length >= 0 {
			end = min(end, start+length+int64(utf8.RuneCountInString(look))-1)
		}
		if start > end {
			return int64(-1)
		}
		hay := string(src[start:end])
		from := 0
		for {
			i := strings.Index(hay[from:], look)
			if i < 0 {
				return int64(-1)
			}
			pos := from + i
			occ--
			if occ == 0 {
				return start + int64(utf8.RuneCountInString(hay[:pos]))
			}
			_, w := utf8.DecodeRuneInString(hay[pos:])
			from = pos + max(w, 1)
			if from > len(hay) {
				return int64(-1)
			}
		}
	}))
	// https://learn.microsoft.com/kusto/query/countof-function
	register("countof", func(c *plan.Call) (kernel, error) {
		regex := false
		if len(c.Args) == 3 {
			k, ok := c.Args[2].(*plan.Const)
			if !ok {
				return nil, fmt.Errorf("countof(): the kind must be a constant 'normal' or 'regex'")
			}
			switch k.Val {
			case "regex":
				regex = true
			case "normal":
			default:
				return nil, fmt.Errorf("countof(): unknown kind %q (expected 'normal' or 'regex')", k.Val)
			}
		}
		var res *regexCache
		if regex {
			res = newRegexCache(c.Args[1])
		}
		return valueKernel(column.Long, func(a []any) any {
			s, look := str(a[0]), str(a[1])
			if look == "" {
				return int64(0)
			}
			if regex {
				re, err := res.get(look)
				if err != nil {
					return nil
				}
				return int64(len(re.FindAllStringIndex(s, -1)))
			}
			var n int64
			for i := 0; ; {
				j := strings.Index(s[i:], look)
				if j < 0 {
					return n
				}
				n++
				_, w := utf8.DecodeRuneInString(s[i+j:])
				i += j + w
			}
		}), nil
	})
	// https://learn.microsoft.com/kusto/query/reverse-function
	registerStrMap("reverse", func(s string) string {
		r := []rune(s)
		for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
			r[i], r[j] = r[j], r[i]
		}
		return string(r)
	})
	// https://learn.microsoft.com/kusto/query/url-decode-function
	registerStrMap("url_decode", urlDecode)
	// https://learn.microsoft.com/kusto/query/url-encode-function
	registerStrMap("url_encode", func(s string) string { return urlEncode(s, "+") })
	registerStrMap("url_encode_component", func(s string) string { return urlEncode(s, "%20") })
	// https://learn.microsoft.com/kusto/query/base64-encode-tostring-function
	registerK("base64_encode_tostring", strMap(func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }))
	registerK("base64_decode_tostring", strMap(func(s string) string {
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			if b, err = base64.RawStdEncoding.DecodeString(s); err != nil {
				return ""
			}
		}
		if !utf8.Valid(b) {
			return ""
		}
		return string(b)
	}))
	// https://learn.microsoft.com/kusto/query/parse-url-function
	registerK("parse_url", valueKernel(column.Dynamic, func(a []any) any { return parseURL(str(a[0])) }))
	registerK("parse_urlquery", valueKernel(column.Dynamic, func(a []any) any {
		q := str(a[0])
		if i := strings.IndexByte(q, '?'); i >= 0 {
			q = q[i+1:]
		}
		return map[string]any{"Query Parameters": queryBag(q)}
	}))
	// https://learn.microsoft.com/kusto/query/parse-path-function
	registerK("parse_path", valueKernel(column.Dynamic, func(a []any) any { return parsePath(str(a[0])) }))
	// https://learn.microsoft.com/kusto/query/tohex-function
	register("tohex", func(c *plan.Call) (kernel, error) {
		// An int is shown in 32-bit two's complement, a long in 64-bit:
		// tohex(toint(-256)) is ffffff00.
		int32Arg := c.Args[0].Type() == column.Int
		return valueKernel(column.String, func(a []any) any {
			x, ok := a[0].(int64)
			if !ok {
				return ""
			}
			s := strconv.FormatUint(uint64(x), 16)
			if int32Arg && x < 0 {
				s = strconv.FormatUint(uint64(uint32(x)), 16)
			}
			if x >= 0 {
				s = strconv.FormatInt(x, 16)
			}
			if len(a) > 1 {
				if w, ok := a[1].(int64); ok && int64(len(s)) < w {
					s = strings.Repeat("0", int(w)-len(s)) + s
				}
			}
			return s
		}), nil
	})
	// https://learn.microsoft.com/kusto/query/strrep-function
	registerK("strrep", valueKernel(column.String, func(a []any) any {
		n, _ := a[1].(int64)
		if n <= 0 {
			return ""
		}
		n = min(n, 1024)
		delim := ""
		if len(a) > 2 {
			delim = str(a[2])
		}
		parts := make([]string, n)
		for i := range parts {
			parts[i] = str(a[0])
		}
		return strings.Join(parts, delim)
	}))
}

// regexCache compiles a pattern once when it is constant, else per distinct
// pattern seen.
type regexCache struct {
	fixed *regexp.Regexp
	err   error
	seen  map[string]*regexp.Regexp
}

func newRegexCache(e plan.Expr) *regexCache {
	r := &regexCache{seen: map[string]*regexp.Regexp{}}
	if k, ok := e.(*plan.Const); ok {
		pat, _ := k.Val.(string)
		r.fixed, r.err = regexp.Compile(pat)
		if r.err != nil {
			r.err = fmt.Errorf("bad regular expression %q: %v", pat, r.err)
		}
	}
	return r
}

func (r *regexCache) get(pat string) (*regexp.Regexp, error) {
	if r.fixed != nil {
		return r.fixed, nil
	}
	if re, ok := r.seen[pat]; ok {
		if re == nil {
			return nil, fmt.Errorf("bad regular expression")
		}
		return re, nil
	}
	re, err := regexp.Compile(pat)
	r.seen[pat] = re
	return re, err
}

// kustoRewrite turns a Kusto rewrite pattern (\0, \1 ... for groups) into
// Go's Expand syntax.
func kustoRewrite(s string) string {
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '$':
			sb.WriteString("$$")
		case c == '\\' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9':
			j := i + 1
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			sb.WriteString("${" + s[i+1:j] + "}")
			i = j - 1
		default:
			sb.WriteByte(c)
		}
	}
	return sb.String()
}

// trimFactory removes leading and/or trailing runs of matches of a regex.
func trimFactory(start, end bool) factory {
	return func(c *plan.Call) (kernel, error) {
		type pair struct{ lead, trail *regexp.Regexp }
		cache := map[string]pair{}
		get := func(pat string) (pair, error) {
			if p, ok := cache[pat]; ok {
				return p, nil
			}
			lead, err := regexp.Compile(`\A(?:` + pat + `)+`)
			if err != nil {
				return pair{}, err
			}
			trail := regexp.MustCompile(`(?:` + pat + `)+\z`)
			p := pair{lead, trail}
			cache[pat] = p
			return p, nil
		}
		if k, ok := c.Args[0].(*plan.Const); ok {
			if _, err := get(k.Val.(string)); err != nil {
				return nil, fmt.Errorf("bad regular expression %q: %v", k.Val, err)
			}
		}
		return valueKernel(column.String, func(a []any) any {
			s, _ := a[1].(string)
			pat, _ := a[0].(string)
			p, err := get(pat)
			if err != nil || pat == "" {
				return s
			}
			if start {
				if m := p.lead.FindStringIndex(s); m != nil {
					s = s[m[1]:]
				}
			}
			if end {
				if m := p.trail.FindStringIndex(s); m != nil {
					s = s[:m[0]]
				}
			}
			return s
		}), nil
	}
}

// urlDecode decodes %XX escapes and '+' as a space, leaving malformed
// escapes as they are (as .NET's UrlDecode does).
func urlDecode(s string) string {
	if !strings.ContainsAny(s, "%+") {
		return s
	}
	var b []byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '+':
			b = append(b, ' ')
		case c == '%' && i+2 < len(s)+0 && isHex(s[i+1]) && isHex(s[i+2]):
			v, _ := strconv.ParseUint(s[i+1:i+3], 16, 8)
			b = append(b, byte(v))
			i += 2
		default:
			b = append(b, c)
		}
	}
	return string(b)
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// urlEncode percent-encodes with lowercase hex like .NET's UrlEncode,
// leaving letters, digits and -_.!*() alone; space becomes the given text.
func urlEncode(s, space string) string {
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', strings.IndexByte("-_.!*()", c) >= 0:
			sb.WriteByte(c)
		case c == ' ':
			sb.WriteString(space)
		default:
			fmt.Fprintf(&sb, "%%%02x", c)
		}
	}
	return sb.String()
}

// parseURL splits an absolute URL into Kusto's parts; strings that are not
// absolute URLs give a bag of empty parts.
func parseURL(s string) any {
	bag := map[string]any{"Scheme": "", "Host": "", "Port": "", "Path": "", "Username": "",
		"Password": "", "Query Parameters": map[string]any{}, "Fragment": ""}
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return bag
	}
	bag["Scheme"] = u.Scheme
	bag["Host"] = u.Hostname()
	bag["Port"] = u.Port()
	bag["Path"] = u.EscapedPath()
	if u.User != nil {
		bag["Username"] = u.User.Username()
		p, _ := u.User.Password()
		bag["Password"] = p
	}
	bag["Query Parameters"] = queryBag(u.RawQuery)
	bag["Fragment"] = u.EscapedFragment()
	return bag
}

// queryBag maps k1=v1&k2=v2 to a property bag (values URL-decoded).
func queryBag(q string) map[string]any {
	out := map[string]any{}
	if q == "" {
		return out
	}
	for _, kv := range strings.Split(q, "&") {
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		out[urlDecode(k)] = urlDecode(v)
	}
	return out
}

// parsePath splits a file path into Kusto's parts: Scheme, RootPath,
// DirectoryPath, DirectoryName, Filename, Extension, AlternateDataStreamName.
func parsePath(p string) any {
	bag := map[string]any{"Scheme": "", "RootPath": "", "DirectoryPath": "", "DirectoryName": "",
		"Filename": "", "Extension": "", "AlternateDataStreamName": ""}
	if i := strings.Index(p, "://"); i > 0 {
		bag["Scheme"] = p[:i]
		p = p[i+3:]
	}
	rest := p
	if len(rest) >= 2 && rest[1] == ':' && (rest[0]|0x20) >= 'a' && (rest[0]|0x20) <= 'z' {
		// The root is the drive with its separator: C:\ or C:/.
		root := rest[:2]
		if len(rest) >= 3 && (rest[2] == '\\' || rest[2] == '/') {
			root = rest[:3]
		}
		bag["RootPath"] = root
	}
	cut := strings.LastIndexAny(p, `/\`)
	dir, file := "", p
	if cut >= 0 {
		dir, file = p[:cut], p[cut+1:]
	}
	// An alternate data stream follows a colon in the file name.
	if i := strings.IndexByte(file, ':'); i >= 0 {
		bag["AlternateDataStreamName"] = file[i+1:]
		file = file[:i]
	}
	bag["DirectoryPath"] = dir
	if j := strings.LastIndexAny(dir, `/\`); j >= 0 {
		bag["DirectoryName"] = dir[j+1:]
	} else {
		bag["DirectoryName"] = dir
	}
	bag["Filename"] = file
	if i := strings.LastIndexByte(file, '.'); i >= 0 {
		bag["Extension"] = file[i+1:]
	}
	return bag
}
