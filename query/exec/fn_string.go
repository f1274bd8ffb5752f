package exec

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash/adler32"
	"hash/crc32"
	"io"
	"math"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"
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
	registerS("tohex", func(c *plan.Call, _ *stopper) (kernel, error) {
		// An int is shown in 32-bit two's complement, a long in 64-bit:
		// tohex(toint(-256)) is ffffff00. MinLength pads with zeros up to
		// 16 digits at most: Kusto truncates a larger MinLength to 16, so
		// tohex(-1, 3000000000) is 16 digits, never a 3 GB string.
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
				if w, ok := a[1].(int64); ok && int64(len(s)) < min(w, 16) {
					s = strings.Repeat("0", int(min(w, 16))-len(s)) + s
				}
			}
			return s
		}), nil
	})
	// https://learn.microsoft.com/kusto/query/strrep-function
	// strrep repeats at most 1024 times, as Kusto documents; what it
	// builds is checked against the memory budget first (a nest of strrep
	// grows 1024-fold each).
	registerS("strrep", func(c *plan.Call, s *stopper) (kernel, error) {
		return func(args []*column.Vector, rows int) *column.Vector {
			g := s.growth("strrep()")
			return valueKernel(column.String, func(a []any) any {
				n, _ := a[1].(int64)
				if n <= 0 {
					return ""
				}
				n = min(n, 1024)
				delim := ""
				if len(a) > 2 {
					delim = str(a[2])
				}
				g.add(n*int64(len(str(a[0]))) + (n-1)*int64(len(delim)))
				return strings.Repeat(str(a[0])+delim, int(n-1)) + str(a[0])
			})(args, rows)
		}, nil
	})
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

// String functions added for the documented examples hunters reuse: lookups
// and replacements over lists, code points, encodings and compression, CSV,
// command lines, versions, punycode, byte sizes.
// https://learn.microsoft.com/kusto/query/string-functions
func init() {
	// replace_strings(text, lookups, replacements): all lookups replaced at
	// once; where two overlap, the one earlier in the lookups wins.
	registerK("replace_strings", valueKernel(column.String, func(a []any) any {
		looks, ok1 := a[1].([]any)
		if !ok1 {
			return str0(a[0])
		}
		repls, _ := a[2].([]any)
		return replaceStrings(str0(a[0]), looks, repls)
	}))
	// translate(searchList, replacementList, source): each character of
	// searchList becomes the one at its index in replacementList (or its
	// last character); an empty replacementList removes them.
	registerK("translate", valueKernel(column.String, func(a []any) any {
		from, to := []rune(str0(a[0])), []rune(str0(a[1]))
		m := make(map[rune]rune, len(from))
		for i := len(from) - 1; i >= 0; i-- {
			switch {
			case len(to) == 0:
				m[from[i]] = -1
			case i < len(to):
				m[from[i]] = to[i]
			default:
				m[from[i]] = to[len(to)-1]
			}
		}
		return strings.Map(func(r rune) rune {
			if x, ok := m[r]; ok {
				return x
			}
			return r
		}, str0(a[2]))
	}))
	// has_any_index(source, lookups): the index of the first lookup that
	// is a term of source (has semantics), or -1.
	registerK("has_any_index", valueKernel(column.Long, func(a []any) any {
		looks, ok := a[1].([]any)
		if !ok {
			return nil
		}
		s := str0(a[0])
		for i, x := range looks {
			if t := dynString(x); t != "" && hasTerm(s, t, false, termWhole) {
				return int64(i)
			}
		}
		return int64(-1)
	}))
	// https://learn.microsoft.com/kusto/query/string-size-function: bytes.
	registerK("string_size", valueKernel(column.Long, func(a []any) any { return int64(len(str0(a[0]))) }))
	registerK("isascii", valueKernel(column.Bool, func(a []any) any {
		s := str0(a[0])
		for i := 0; i < len(s); i++ {
			if s[i] >= 0x80 {
				return false
			}
		}
		return true
	}))
	registerK("isutf8", valueKernel(column.Bool, func(a []any) any { return utf8.ValidString(str0(a[0])) }))
	registerK("regex_quote", valueKernel(column.String, func(a []any) any { return regexQuote(str0(a[0])) }))
	registerK("unicode_codepoints_from_string", valueKernel(column.Dynamic, func(a []any) any {
		out := []any{}
		for _, r := range str0(a[0]) {
			out = append(out, int64(r))
		}
		return out
	}))
	// unicode_codepoints_to_string(c1, c2, ... or arrays of them).
	registerK("unicode_codepoints_to_string", valueKernel(column.String, func(a []any) any {
		var sb strings.Builder
		var add func(x any) bool
		add = func(x any) bool {
			switch v := x.(type) {
			case int64:
				if v < 0 || v > unicode.MaxRune || (v >= 0xD800 && v <= 0xDFFF) {
					return false
				}
				sb.WriteRune(rune(v))
			case []any:
				for _, e := range v {
					if !add(e) {
						return false
					}
				}
			default:
				return false
			}
			return true
		}
		for _, x := range a {
			if !add(x) {
				return nil
			}
		}
		return sb.String()
	}))
	// https://learn.microsoft.com/kusto/query/base64-decode-toarray-function
	registerK("base64_decode_toarray", valueKernel(column.Dynamic, func(a []any) any {
		b, err := base64.StdEncoding.DecodeString(str0(a[0]))
		if err != nil {
			return nil
		}
		out := make([]any, len(b))
		for i, x := range b {
			out[i] = int64(x)
		}
		return out
	}))
	registerK("base64_encode_fromarray", valueKernel(column.String, func(a []any) any {
		arr, ok := a[0].([]any)
		if !ok {
			return ""
		}
		b := make([]byte, len(arr))
		for i, x := range arr {
			v, ok := x.(int64)
			if !ok || v < 0 || v > 255 {
				return ""
			}
			b[i] = byte(v)
		}
		return base64.StdEncoding.EncodeToString(b)
	}))
	// A guid's 16 bytes are in .NET's order: the first three groups
	// little-endian.
	registerK("base64_decode_toguid", valueKernel(column.Guid, func(a []any) any {
		b, err := base64.StdEncoding.DecodeString(str0(a[0]))
		if err != nil || len(b) != 16 {
			return nil
		}
		return guidFromBytes(b)
	}))
	registerK("base64_encode_fromguid", valueKernel(column.String, func(a []any) any {
		b, ok := guidBytes(str0(a[0]))
		if !ok {
			return ""
		}
		return base64.StdEncoding.EncodeToString(b)
	}))
	// Compression as Kusto's answers show it: the data stored in
	// uncompressed deflate blocks (level 0), in a gzip or zlib frame.
	// https://learn.microsoft.com/kusto/query/gzip-base64-compress
	registerK("gzip_compress_to_base64_string", valueKernel(column.String, func(a []any) any {
		data := []byte(str0(a[0]))
		out := []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff} // no name or time; OS unknown
		out = appendStoredDeflate(out, data)
		out = binary.LittleEndian.AppendUint32(out, crc32.ChecksumIEEE(data))
		out = binary.LittleEndian.AppendUint32(out, uint32(len(data)))
		return base64.StdEncoding.EncodeToString(out)
	}))
	registerK("zlib_compress_to_base64_string", valueKernel(column.String, func(a []any) any {
		data := []byte(str0(a[0]))
		out := []byte{0x78, 0x01} // deflate, 32K window, fastest level
		out = appendStoredDeflate(out, data)
		out = binary.BigEndian.AppendUint32(out, adler32.Checksum(data))
		return base64.StdEncoding.EncodeToString(out)
	}))
	registerK("gzip_decompress_from_base64_string", valueKernel(column.String, func(a []any) any {
		return decompressBase64(str0(a[0]), func(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) })
	}))
	registerK("zlib_decompress_from_base64_string", valueKernel(column.String, func(a []any) any {
		return decompressBase64(str0(a[0]), func(r io.Reader) (io.Reader, error) { return zlib.NewReader(r) })
	}))
	// parse_csv(text): the fields of its first record; quoted fields may
	// hold commas, newlines and doubled quotes.
	registerK("parse_csv", valueKernel(column.Dynamic, func(a []any) any { return parseCSVRecord(str0(a[0])) }))
	// parse_command_line(text, "windows"): arguments as
	// CommandLineToArgvW splits them.
	registerK("parse_command_line", valueKernel(column.Dynamic, func(a []any) any {
		if !strings.EqualFold(str0(a[1]), "windows") {
			return nil
		}
		return parseWindowsCommandLine(str0(a[0]))
	}))
	// parse_version("a.b.c.d"): a number that orders versions, each part
	// padded to eight digits (1.2.3.4 is 1000000020000000300000004); null
	// for more than four parts or a part over eight digits.
	registerK("parse_version", valueKernel(column.Real, func(a []any) any {
		parts := strings.Split(strings.TrimSpace(str0(a[0])), ".")
		if len(parts) == 0 || len(parts) > 4 {
			return nil
		}
		var v float64
		for i := 0; i < 4; i++ {
			var n int64
			if i < len(parts) {
				p := parts[i]
				if p == "" || len(p) > 8 || strings.TrimLeft(p, "0123456789") != "" {
					return nil
				}
				n, _ = strconv.ParseInt(p, 10, 64)
			}
			v = v*1e8 + float64(n)
		}
		return v
	}))
	// https://learn.microsoft.com/kusto/query/punycode-from-string-function
	registerK("punycode_from_string", valueKernel(column.String, func(a []any) any {
		s, ok := punyEncode(str0(a[0]))
		if !ok {
			return nil
		}
		return s
	}))
	registerK("punycode_to_string", valueKernel(column.String, func(a []any) any {
		s, ok := punyDecode(str0(a[0]))
		if !ok {
			return nil
		}
		return s
	}))
	// The domain forms work label by label (dots, including the
	// ideographic and halfwidth ones), prefixing encoded labels with xn--.
	registerK("punycode_domain_from_string", valueKernel(column.String, func(a []any) any {
		labels := splitDomain(str0(a[0]))
		for i, l := range labels {
			if len(l) > 4 && strings.EqualFold(l[:4], "xn--") {
				d, ok := punyDecode(l[4:])
				if !ok {
					return nil
				}
				labels[i] = d
			}
		}
		return strings.Join(labels, ".")
	}))
	registerK("punycode_domain_to_string", valueKernel(column.String, func(a []any) any {
		labels := splitDomain(str0(a[0]))
		for i, l := range labels {
			if !isASCII(l) {
				e, ok := punyEncode(l)
				if !ok {
					return nil
				}
				labels[i] = "xn--" + e
			}
		}
		return strings.Join(labels, ".")
	}))
	// format_bytes(size [, precision [, units]]): 1024-based, in the
	// largest unit the size reaches unless units names one.
	registerK("format_bytes", valueKernel(column.String, func(a []any) any {
		size, ok := a[0].(float64)
		if !ok {
			return ""
		}
		prec := int64(0)
		if len(a) > 1 {
			if p, ok := a[1].(int64); ok {
				prec = min(max(p, 0), 15)
			}
		}
		units := []string{"Bytes", "KB", "MB", "GB", "TB", "PB", "EB"}
		u := 0
		if len(a) > 2 && str0(a[2]) != "" {
			u = -1
			for i, name := range units {
				if strings.EqualFold(name, str0(a[2])) || (i == 0 && strings.EqualFold(str0(a[2]), "B")) {
					u = i
				}
			}
			if u < 0 {
				return ""
			}
		} else {
			for u < len(units)-1 && math.Abs(size) >= math.Pow(1024, float64(u+1)) {
				u++
			}
		}
		v := size / math.Pow(1024, float64(u))
		p := math.Pow(10, float64(prec))
		v = math.Round(v*p) / p
		return strconv.FormatFloat(v, 'f', -1, 64) + " " + units[u]
	}))
}

// replaceStrings replaces every lookup at once: the lookups claim their
// occurrences in order, and a later lookup skips an occurrence that
// overlaps one already claimed (replace_strings("This is", ["is", "This"],
// ...) replaces the is inside This).
func replaceStrings(s string, looks, repls []any) string {
	type claim struct{ start, end, idx int }
	var claims []claim
	overlaps := func(a, b int) bool {
		for _, c := range claims {
			if a < c.end && c.start < b {
				return true
			}
		}
		return false
	}
	for i, l := range looks {
		t := dynString(l)
		if t == "" {
			continue
		}
		for from := 0; from <= len(s)-len(t); {
			j := strings.Index(s[from:], t)
			if j < 0 {
				break
			}
			start := from + j
			if !overlaps(start, start+len(t)) {
				claims = append(claims, claim{start, start + len(t), i})
				from = start + len(t)
			} else {
				from = start + 1
			}
		}
	}
	if len(claims) == 0 {
		return s
	}
	sort.Slice(claims, func(i, j int) bool { return claims[i].start < claims[j].start })
	var sb strings.Builder
	prev := 0
	for _, c := range claims {
		sb.WriteString(s[prev:c.start])
		// A replacement that is not a string leaves the match as it was.
		if c.idx < len(repls) {
			if r, ok := repls[c.idx].(string); ok {
				sb.WriteString(r)
			} else {
				sb.WriteString(s[c.start:c.end])
			}
		}
		prev = c.end
	}
	sb.WriteString(s[prev:])
	return sb.String()
}

// regexQuote escapes the characters .NET's Regex.Escape does: \ * + ? |
// { [ ( ) ^ $ . # and white space.
func regexQuote(s string) string {
	var sb strings.Builder
	for _, r := range s {
		switch r {
		case '\\', '*', '+', '?', '|', '{', '[', '(', ')', '^', '$', '.', '#', ' ':
			sb.WriteByte('\\')
			sb.WriteRune(r)
		case '\t':
			sb.WriteString(`\t`)
		case '\n':
			sb.WriteString(`\n`)
		case '\r':
			sb.WriteString(`\r`)
		case '\f':
			sb.WriteString(`\f`)
		case '\v':
			sb.WriteString(`\v`)
		default:
			sb.WriteRune(r)
		}
	}
	return sb.String()
}

// guidFromBytes formats 16 bytes in .NET's guid order.
func guidFromBytes(b []byte) string {
	return fmt.Sprintf("%02x%02x%02x%02x-%02x%02x-%02x%02x-%x-%x",
		b[3], b[2], b[1], b[0], b[5], b[4], b[7], b[6], b[8:10], b[10:16])
}

// guidBytes is the inverse of guidFromBytes for any guid text toguid reads.
func guidBytes(s string) ([]byte, bool) {
	g, ok := parseGUID(s)
	if !ok {
		return nil, false
	}
	h, _ := hex.DecodeString(strings.ReplaceAll(g, "-", ""))
	return []byte{h[3], h[2], h[1], h[0], h[5], h[4], h[7], h[6], h[8], h[9], h[10], h[11], h[12], h[13], h[14], h[15]}, true
}

// parseGUID reads a guid as 32 hex digits, with braces or parentheses
// around and dashes anywhere (Kusto's toguid reads
// 0123456789ab-cdef-0123-456789abcdef); it returns the lowercase
// 8-4-4-4-12 form.
func parseGUID(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && (s[0] == '{' && s[len(s)-1] == '}' || s[0] == '(' && s[len(s)-1] == ')') {
		s = s[1 : len(s)-1]
	}
	h := strings.ReplaceAll(s, "-", "")
	if len(h) != 32 {
		return "", false
	}
	if _, err := hex.DecodeString(h); err != nil {
		return "", false
	}
	h = strings.ToLower(h)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:], true
}

// appendStoredDeflate appends data as a deflate stream of stored blocks
// (at most 65535 bytes each, the last one final), the bytes Kusto's
// compression functions give.
func appendStoredDeflate(dst, data []byte) []byte {
	for {
		n := min(len(data), 65535)
		final := byte(0)
		if n == len(data) {
			final = 1
		}
		dst = append(dst, final, byte(n), byte(n>>8), ^byte(n), ^byte(n>>8))
		dst = append(dst, data[:n]...)
		data = data[n:]
		if final == 1 {
			return dst
		}
	}
}

// maxDecompressed bounds what one value may decompress to, so a small
// hostile input cannot expand into gigabytes; larger results give "".
const maxDecompressed = 64 << 20

// decompressBase64 decodes base64 then decompresses with open; "" when
// either fails or the result passes maxDecompressed.
func decompressBase64(s string, open func(io.Reader) (io.Reader, error)) string {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return ""
	}
	r, err := open(bytes.NewReader(b))
	if err != nil {
		return ""
	}
	out, err := io.ReadAll(io.LimitReader(r, maxDecompressed+1))
	if err != nil || len(out) > maxDecompressed {
		return ""
	}
	return string(out)
}

// parseCSVRecord splits the first CSV record of s into its fields.
func parseCSVRecord(s string) []any {
	out := []any{}
	var field strings.Builder
	quoted := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quoted && c == '"' && i+1 < len(s) && s[i+1] == '"':
			field.WriteByte('"')
			i++
		case c == '"' && (quoted || field.Len() == 0):
			quoted = !quoted
		case !quoted && c == ',':
			out = append(out, field.String())
			field.Reset()
		case !quoted && (c == '\n' || c == '\r'):
			return append(out, field.String())
		default:
			field.WriteByte(c)
		}
	}
	return append(out, field.String())
}

// parseWindowsCommandLine splits a command line as CommandLineToArgvW
// does: white space separates arguments; double quotes group; 2n
// backslashes before a quote give n backslashes and the quote toggles
// grouping, 2n+1 give n and a literal quote; "" inside a group is a quote.
func parseWindowsCommandLine(s string) []any {
	out := []any{}
	var arg strings.Builder
	inArg, quoted := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\':
			n := 0
			for i < len(s) && s[i] == '\\' {
				n++
				i++
			}
			if i < len(s) && s[i] == '"' {
				arg.WriteString(strings.Repeat("\\", n/2))
				if n%2 == 1 {
					arg.WriteByte('"')
				} else {
					i-- // the quote is handled next
				}
			} else {
				arg.WriteString(strings.Repeat("\\", n))
				i--
			}
			inArg = true
		case c == '"':
			if quoted && i+1 < len(s) && s[i+1] == '"' {
				arg.WriteByte('"')
				i++
			} else {
				quoted = !quoted
			}
			inArg = true
		case (c == ' ' || c == '\t') && !quoted:
			if inArg {
				out = append(out, arg.String())
				arg.Reset()
				inArg = false
			}
		default:
			arg.WriteByte(c)
			inArg = true
		}
	}
	if inArg {
		out = append(out, arg.String())
	}
	return out
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// splitDomain splits a domain at the dots IDNA recognises: . 。 ． ｡
func splitDomain(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == '.' || r == '\u3002' || r == '\uff0e' || r == '\uff61' })
}

// Punycode (RFC 3492) parameters.
const (
	punyBase, punyTMin, punyTMax, punySkew, punyDamp = 36, 1, 26, 38, 700
	punyInitialBias, punyInitialN                    = 72, 128
)

func punyAdapt(delta, numPoints int, first bool) int {
	if first {
		delta /= punyDamp
	} else {
		delta /= 2
	}
	delta += delta / numPoints
	k := 0
	for delta > ((punyBase-punyTMin)*punyTMax)/2 {
		delta /= punyBase - punyTMin
		k += punyBase
	}
	return k + (punyBase-punyTMin+1)*delta/(delta+punySkew)
}

func punyDigit(d int) byte {
	if d < 26 {
		return byte('a' + d)
	}
	return byte('0' + d - 26)
}

// punyEncode encodes a label's code points (RFC 3492); the basic
// (ASCII) characters come first, then a hyphen when there were any.
func punyEncode(s string) (string, bool) {
	runes := []rune(s)
	var out []byte
	for _, r := range runes {
		if r < 0x80 {
			out = append(out, byte(r))
		}
	}
	b := len(out)
	h := b
	if b > 0 {
		out = append(out, '-')
	}
	n, delta, bias := punyInitialN, 0, punyInitialBias
	for h < len(runes) {
		m := math.MaxInt32
		for _, r := range runes {
			if int(r) >= n && int(r) < m {
				m = int(r)
			}
		}
		if (m - n) > (math.MaxInt32-delta)/(h+1) {
			return "", false
		}
		delta += (m - n) * (h + 1)
		n = m
		for _, r := range runes {
			if int(r) < n {
				delta++
			}
			if int(r) == n {
				q := delta
				for k := punyBase; ; k += punyBase {
					t := k - bias
					if t < punyTMin {
						t = punyTMin
					} else if t > punyTMax {
						t = punyTMax
					}
					if q < t {
						break
					}
					out = append(out, punyDigit(t+(q-t)%(punyBase-t)))
					q = (q - t) / (punyBase - t)
				}
				out = append(out, punyDigit(q))
				bias = punyAdapt(delta, h+1, h == b)
				delta = 0
				h++
			}
		}
		delta++
		n++
	}
	return string(out), true
}

// punyDecode decodes RFC 3492 text back to the label.
func punyDecode(s string) (string, bool) {
	var out []rune
	pos := strings.LastIndexByte(s, '-')
	if pos > 0 {
		for _, c := range s[:pos] {
			if c >= 0x80 {
				return "", false
			}
			out = append(out, c)
		}
		s = s[pos+1:]
	} else if pos == 0 {
		s = s[1:]
	}
	n, i, bias := punyInitialN, 0, punyInitialBias
	for p := 0; p < len(s); {
		oldi, w := i, 1
		for k := punyBase; ; k += punyBase {
			if p >= len(s) {
				return "", false
			}
			c := s[p]
			p++
			var d int
			switch {
			case c >= 'a' && c <= 'z':
				d = int(c - 'a')
			case c >= 'A' && c <= 'Z':
				d = int(c - 'A')
			case c >= '0' && c <= '9':
				d = int(c-'0') + 26
			default:
				return "", false
			}
			if d > (math.MaxInt32-i)/w {
				return "", false
			}
			i += d * w
			t := k - bias
			if t < punyTMin {
				t = punyTMin
			} else if t > punyTMax {
				t = punyTMax
			}
			if d < t {
				break
			}
			w *= punyBase - t
		}
		x := len(out) + 1
		bias = punyAdapt(i-oldi, x, oldi == 0)
		n += i / x
		i %= x
		if n > unicode.MaxRune {
			return "", false
		}
		out = append(out, 0)
		copy(out[i+1:], out[i:])
		out[i] = rune(n)
		i++
	}
	return string(out), true
}

// The null and empty tests, comparisons of strings, JSON paths and the
// case and length functions.
func init() {
	registerK("isnull", func(a []*column.Vector, n int) *column.Vector {
		if a[0].Type == column.Dynamic {
			return dynEmptyVec(a[0], n, false, false)
		}
		out := newBools(n)
		for i := 0; i < n; i++ {
			out.Bools[i] = a[0].IsNull(i)
		}
		return out
	})
	registerK("isnotnull", func(a []*column.Vector, n int) *column.Vector {
		if a[0].Type == column.Dynamic {
			return dynEmptyVec(a[0], n, false, true)
		}
		out := newBools(n)
		for i := 0; i < n; i++ {
			out.Bools[i] = !a[0].IsNull(i)
		}
		return out
	})
	registerK("isempty", func(a []*column.Vector, n int) *column.Vector { return emptyVec(a[0], n, false) })
	registerK("isnotempty", func(a []*column.Vector, n int) *column.Vector { return emptyVec(a[0], n, true) })
	// https://learn.microsoft.com/kusto/query/strcmp-function
	registerK("strcmp", valueKernel(column.Long, func(a []any) any {
		return int64(strings.Compare(str0(a[0]), str0(a[1])))
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
	// split_part(s, sep, i) is tostring(split(s, sep)[i]), fused by the
	// planner (plan.fuseSplitIndex) so that extracting a part — the domain
	// of a URL is split(Url, "/")[2] — builds no dynamic array per row. A
	// negative i counts from the end; a part that does not exist is "".
	registerK("split_part", func(a []*column.Vector, n int) *column.Vector {
		x, sep, idx := a[0], a[1], a[2]
		if sep.Const && idx.Const {
			if sep.IsNull(0) || idx.IsNull(0) {
				return column.NewConst(column.String, "", n)
			}
			d, i := sep.Str(0), idx.Int(0)
			return strMap(func(s string) string { return splitPart(s, d, i) })([]*column.Vector{x}, n)
		}
		out := newStrs(n)
		for r := 0; r < n; r++ {
			if !sep.IsNull(r) && !idx.IsNull(r) {
				out.Strs[r] = splitPart(x.Str(r), sep.Str(r), idx.Int(r))
			}
		}
		return out
	})
	registerStrMap("tolower", strings.ToLower)
	registerStrMap("toupper", strings.ToUpper)
	registerK("strlen", func(a []*column.Vector, n int) *column.Vector {
		out := newInts(column.Long, n)
		x := a[0]
		if x.Codes != nil {
			lens := make([]int64, len(x.Dict))
			for i, s := range x.Dict {
				lens[i] = int64(utf8.RuneCountInString(s))
			}
			for i, c := range x.Codes[:n] {
				out.Ints[i] = lens[c]
			}
			return out
		}
		for i := 0; i < n; i++ {
			out.Ints[i] = int64(utf8.RuneCountInString(x.Str(i)))
		}
		return out
	})
	registerS("strcat", func(_ *plan.Call, s *stopper) (kernel, error) { return strcatKernel(s), nil })
}

func emptyVec(x *column.Vector, n int, not bool) *column.Vector {
	if x.Type == column.Dynamic {
		return dynEmptyVec(x, n, true, not)
	}
	if x.Type == column.String {
		return strPredVec(nil, "", x, n, func(s string) bool { return (s == "") != not })
	}
	out := newBools(n)
	for i := 0; i < n; i++ {
		out.Bools[i] = x.IsNull(i) != not
	}
	return out
}

// dynEmptyVec is isnull/isempty over dynamic values: null is null (stored
// dynamic text "" is null too); isempty is also true for the string "" but
// not for an empty array or bag.
// https://learn.microsoft.com/kusto/query/isempty-function
func dynEmptyVec(x *column.Vector, n int, emptyStr, not bool) *column.Vector {
	r := newDynReader(x)
	out := newBools(n)
	for i := 0; i < n; i++ {
		v := r.value(i)
		e := v == nil || (emptyStr && v == "")
		out.Bools[i] = e != not
	}
	return out
}

// splitPart is part i of s split at sep, as split() makes the parts (an
// empty separator gives s as the only part).
func splitPart(s, sep string, i int64) string {
	if sep == "" {
		if i == 0 || i == -1 {
			return s
		}
		return ""
	}
	if i < 0 {
		i += int64(strings.Count(s, sep)) + 1
		if i < 0 {
			return ""
		}
	}
	for ; i > 0; i-- {
		k := strings.Index(s, sep)
		if k < 0 {
			return ""
		}
		s = s[k+len(sep):]
	}
	if k := strings.Index(s, sep); k >= 0 {
		return s[:k]
	}
	return s
}

// strMap applies a string function, once per dictionary entry when it can.
func strMap(f func(string) string) kernel { return strMapMemo(f, nil) }

// registerStrMap registers a string function applied by strMap, each
// kernel instance remembering the last dictionary it mapped: batches over
// one shared dictionary (storage/shared.go) map it once per query, and
// get the same mapped dictionary, which keeps later kernels' memos valid.
func registerStrMap(name string, f func(string) string) {
	register(name, func(*plan.Call) (kernel, error) { return strMapMemo(f, &mapMemo{}), nil })
}

func strMapMemo(f func(string) string, m *mapMemo) kernel {
	mapDict := func(in []string) []string {
		out := make([]string, len(in))
		for i, s := range in {
			out[i] = f(s)
		}
		return out
	}
	return func(a []*column.Vector, n int) *column.Vector {
		x := a[0]
		if x.Codes != nil {
			var dict []string
			if m == nil {
				dict = mapDict(x.Dict)
			} else {
				m.mu.Lock()
				if !sameDict(m.in, x.Dict) {
					m.in, m.out = x.Dict, mapDict(x.Dict)
				}
				dict = m.out
				m.mu.Unlock()
			}
			return &column.Vector{Type: column.String, Len: n, Dict: dict, Codes: x.Codes[:n]}
		}
		out := newStrs(n)
		for i := 0; i < n; i++ {
			out.Strs[i] = f(x.Str(i))
		}
		return out
	}
}

// mapMemo is the last dictionary a strMap kernel mapped, and the result.
// It keeps the input itself, so its memory cannot pass for another's.
type mapMemo struct {
	mu      sync.Mutex
	in, out []string
}

type jsonStep struct {
	key   *string
	index int
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

// strcatKernel concatenates its arguments row by row, asking the stopper
// every checkEvery rows: a strcat over long values can take a block's
// worth of time before the next kernel or operator looks at the
// cancellation.
func strcatKernel(s *stopper) kernel {
	return func(a []*column.Vector, n int) *column.Vector {
		out := newStrs(n)
		var sb strings.Builder
		for i := 0; i < n; i++ {
			s.row(i)
			sb.Reset()
			for _, v := range a {
				sb.WriteString(v.Str(i))
			}
			out.Strs[i] = sb.String()
		}
		return out
	}
}
