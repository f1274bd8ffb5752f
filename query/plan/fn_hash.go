package plan

import (
	"clickhunt/column"
	"clickhunt/query/syntax"
)

// Hash function signatures; kernels in exec/fn_hash.go.
// https://learn.microsoft.com/kusto/query/scalar-functions#hash-functions

// hashSig types hash(Source [, Mod]) and hash_xxhash64: any scalar, an
// optional integer modulo.
func hashSig(fn string) funcSig {
	return fsig(1, 2, func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
		if _, ok := args[0].(*typeLit); ok {
			return nil, argErr(c, 0, "a scalar", args[0].Type())
		}
		out := []Expr{args[0]}
		if len(args) == 2 {
			m, err := intArg(c, args, 1)
			if err != nil {
				return nil, err
			}
			out = append(out, convertTo(m, column.Long))
		}
		return &Call{Fn: fn, Args: out, T: column.Long}, nil
	})
}

func init() {
	addFuncs(map[string]funcSig{
		"hash":          hashSig("hash").doc("hash(Source [, Mod])", "the xxhash64 of a value as a long, or that modulo Mod", "print hash(\"World\"), hash(\"World\", 100)"),
		"hash_xxhash64": hashSig("hash").doc("hash_xxhash64(Source [, Mod])", "the xxhash64 of a value as a long, or that modulo Mod", "print hash_xxhash64(\"World\")"),
		// https://learn.microsoft.com/kusto/query/hash-sha256-function
		"hash_sha256": strFunc(1, 1, "hash_sha256", column.String, textArg).page("sha256-hash-function").doc("hash_sha256(Source)", "the SHA-256 hash of a value's text, in hex", `print hash_sha256("World")`),
		"hash_sha1":   strFunc(1, 1, "hash_sha1", column.String, textArg).doc("hash_sha1(Source)", "the SHA-1 hash of a value's text, in hex", `print hash_sha1("World")`),
		"hash_md5":    strFunc(1, 1, "hash_md5", column.String, textArg).doc("hash_md5(Source)", "the MD5 hash of a value's text, in hex", `print hash_md5("World")`),
	})
}
