package exec

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"clickhunt/column"
	"clickhunt/query/plan"
)

func init() {
	// https://learn.microsoft.com/kusto/query/strcmp-function
	registerK("strcmp", valueKernel(column.Long, func(a []any) any {
		return int64(strings.Compare(str0(a[0]), str0(a[1])))
	}))
	// https://learn.microsoft.com/kusto/query/dynamic-to-json-function
	registerK("dynamic_to_json", valueKernel(column.String, func(a []any) any {
		return string(column.AppendDynamicJSON(nil, a[0]))
	}))
	// indexof_regex(source, regex [, start [, length [, occurrence]]]).
	// https://learn.microsoft.com/kusto/query/indexof-regex-function
	register("indexof_regex", func(c *plan.Call) (kernel, error) {
		res := newRegexCache(c.Args[1])
		return valueKernel(column.Long, func(a []any) any {
			re, err := res.get(str0(a[1]))
			if err != nil {
				return nil
			}
			src := []rune(str0(a[0]))
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
			if start < 0 || occ < 0 || length < -1 {
				return nil
			}
			if start > int64(len(src)) {
				return int64(-1)
			}
			end := int64(len(src))
			if length >= 0 {
				end = min(end, start+length)
			}
			hay := string(src[start:end])
			ms := re.FindAllStringIndex(hay, -1)
			if occ == 0 {
				occ = 1
			}
			if int64(len(ms)) < occ {
				return int64(-1)
			}
			return start + int64(utf8.RuneCountInString(hay[:ms[occ-1][0]]))
		}), res.err
	})
	// extract_json(path, json): the value at a JSONPath ($, .name,
	// ['name'], [index]) of JSON text; null when absent or malformed.
	// https://learn.microsoft.com/kusto/query/extract-json-function
	registerK("extract_json", valueKernel(column.Dynamic, func(a []any) any {
		steps, ok := parseJSONPath(str0(a[0]))
		if !ok {
			return nil
		}
		s := str0(a[1])
		if strings.TrimSpace(s) == "" {
			return nil
		}
		x, err := column.ParseDynamic(s)
		if err != nil {
			return nil
		}
		x, _ = jsonPathGet(x, steps)
		return x
	}))
}

// jsonPathGet follows steps into x; ok is false when a step finds nothing.
func jsonPathGet(x any, steps []jsonStep) (any, bool) {
	for _, st := range steps {
		switch v := x.(type) {
		case map[string]any:
			if st.key == nil {
				return nil, false
			}
			var ok bool
			if x, ok = v[*st.key]; !ok {
				return nil, false
			}
		case []any:
			if st.key != nil {
				return nil, false
			}
			i := st.index
			if i < 0 {
				i += len(v)
			}
			if i < 0 || i >= len(v) {
				return nil, false
			}
			x = v[i]
		default:
			return nil, false
		}
	}
	return x, true
}

type jsonStep struct {
	key   *string
	index int
}

// parseJSONPath parses the JSONPath subset Kusto documents: $ then .name,
// ['name'] / ["name"] and [index] steps.
func parseJSONPath(p string) ([]jsonStep, bool) {
	p = strings.TrimSpace(p)
	if !strings.HasPrefix(p, "$") {
		return nil, false
	}
	p = p[1:]
	var steps []jsonStep
	for p != "" {
		switch p[0] {
		case '.':
			p = p[1:]
			i := strings.IndexAny(p, ".[")
			if i < 0 {
				i = len(p)
			}
			if i == 0 {
				return nil, false
			}
			k := p[:i]
			steps = append(steps, jsonStep{key: &k})
			p = p[i:]
		case '[':
			j := strings.IndexByte(p, ']')
			if j < 0 {
				return nil, false
			}
			in := strings.TrimSpace(p[1:j])
			p = p[j+1:]
			if len(in) >= 2 && (in[0] == '\'' || in[0] == '"') && in[len(in)-1] == in[0] {
				k := in[1 : len(in)-1]
				steps = append(steps, jsonStep{key: &k})
				continue
			}
			n, err := strconv.Atoi(in)
			if err != nil {
				return nil, false
			}
			steps = append(steps, jsonStep{index: n})
		default:
			return nil, false
		}
	}
	return steps, true
}
