package exec

import (
	"testing"

	"clickhunt/column"
	"clickhunt/query/plan"
)

// textDynamic builds a dynamic vector as storage returns it: JSON text,
// dictionary-encoded, with nulls stored as "".
func textDynamic(vals ...any) *column.Vector {
	b := column.NewBuilder(column.Dynamic, len(vals))
	for _, v := range vals {
		b.AppendDynamic(v)
	}
	return b.Build()
}

func runKernel(t *testing.T, fn string, t0 column.Type, args ...*column.Vector) *column.Vector {
	t.Helper()
	var pargs []plan.Expr
	for _, a := range args {
		pargs = append(pargs, &plan.ColRef{T: a.Type})
	}
	k, err := kernels[fn](&plan.Call{Fn: fn, Args: pargs, T: t0}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return k(args, args[0].Len)
}

func rendered(v *column.Vector) []string {
	var out []string
	for i := 0; i < v.Len; i++ {
		if v.IsNull(i) {
			out = append(out, "null")
			continue
		}
		out = append(out, column.FormatValue(v, i))
	}
	return out
}

func eqStrings(t *testing.T, got []string, want ...string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("got %q, want %q", got, want)
		}
	}
}

// Dynamic columns read from storage hold JSON text; functions must see the
// values, not the text (a stored string that is not JSON is the string).
func TestStoredDynamicText(t *testing.T) {
	v := textDynamic([]any{int64(1), int64(2)}, nil, map[string]any{"a": "x"}, "plain", int64(42), []any{int64(1), int64(2)})
	eqStrings(t, rendered(runKernel(t, "array_length", column.Long, v)), "2", "null", "null", "null", "null", "2")
	eqStrings(t, rendered(runKernel(t, "isnull", column.Bool, v)), "false", "true", "false", "false", "false", "false")
	eqStrings(t, rendered(runKernel(t, "isempty", column.Bool, v)), "false", "true", "false", "false", "false", "false")
	eqStrings(t, rendered(runKernel(t, "tolong", column.Long, v)), "null", "null", "null", "null", "42", "null")
	eqStrings(t, rendered(runKernel(t, "gettype", column.String, v)), "array", "null", "dictionary", "string", "int", "array")
	eqStrings(t, rendered(runKernel(t, "bag_keys", column.Dynamic, v)), "null", "null", `["a"]`, "null", "null", "null")
	eqStrings(t, rendered(runKernel(t, "tostring", column.String, v)), "[1,2]", "", `{"a":"x"}`, "plain", "42", "[1,2]")
}

// The dictionary fast path evaluates once per entry but must map results
// back to every row.
func TestValueKernelDictionary(t *testing.T) {
	b := column.NewBuilder(column.String, 5)
	for _, s := range []string{"a_b", "c", "a_b", "", "c_d_e"} {
		b.AppendString(s)
	}
	v := b.Build()
	sep := column.NewConst(column.String, "_", 5)
	eqStrings(t, rendered(runKernel(t, "split", column.Dynamic, v, sep)), `["a","b"]`, `["c"]`, `["a","b"]`, `[""]`, `["c","d","e"]`)
	eqStrings(t, rendered(runKernel(t, "countof", column.Long, v, sep)), "1", "0", "1", "0", "2")
}
