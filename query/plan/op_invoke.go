package plan

import "clickhunt/query/syntax"

func init() {
	operatorTopic("invoke",
		"T | invoke Function([Arguments])",
		"calls a tabular function with its input as the function's first argument",
		"invoke-operator", "let top2 = (T: (x: long)) { T | top 2 by x }; range x from 1 to 5 step 1 | invoke top2()")
}

// invoke plans T | invoke f(args) as f(T, args): in is the pipeline
// before invoke, as a tabular argument.
// https://learn.microsoft.com/kusto/query/invoke-operator
func (b *builder) invoke(in *syntax.Arg, op *syntax.InvokeOp) (Node, error) {
	c := op.Call
	f, ok := b.funcs[c.Name]
	if !ok {
		return nil, errAt(c.Pos, "invoke needs a function defined with let, got %s()", c.Name)
	}
	if len(f.Params) == 0 || !f.Params[0].Tabular {
		return nil, errAt(c.Pos, "invoke: %s()'s first parameter must be a table, as in (T:(*), ...)", c.Name)
	}
	call := &syntax.Call{Pos: c.Pos, Name: c.Name, Args: append([]*syntax.Arg{in}, c.Args...)}
	return b.sourceUser(c.Name, f, call)
}
