package plan

import "clickhunt/column"

// IPLookup holds ipv4_lookup's and ipv6_lookup's arguments: the source
// column of addresses, the lookup table's column of networks (address or
// address/prefix), and whether unmatched rows stay (with null lookup
// columns). Ins[1] is the lookup table.
type IPLookup struct {
	Source, Key     int
	ReturnUnmatched bool
	// LookupFirst puts the lookup table's columns first in the output,
	// as Kusto's ipv6_lookup does.
	LookupFirst bool
}

func init() {
	build := func(name string, lookupFirst bool) plugin {
		return plugin{build: func(b *builder, in Node, c *pluginCall) (Node, error) {
			if err := c.arity(3, 4, "LookupTable, SourceKey, LookupKey [, return_unmatched]"); err != nil {
				return nil, err
			}
			if err := c.onlyNamed("return_unmatched"); err != nil {
				return nil, err
			}
			lookup, err := c.table(c.pos[0])
			if err != nil {
				return nil, err
			}
			p := &IPLookup{LookupFirst: lookupFirst}
			if p.Source, err = c.column(c.pos[1], "the source key"); err != nil {
				return nil, err
			}
			ls := lookup.Out()
			kp := c.pos[2]
			name2, pos, ok := "", kp.Pos, false
			if kp.Arg.Expr != nil {
				name2, pos, ok = identOf(kp.Arg.Expr)
			}
			if p.Key = ls.Index(name2); !ok || p.Key < 0 {
				return nil, errAt(pos, "%s(): the lookup key must be a column of the lookup table%s", name, suggestColumn(name2, ls))
			}
			for _, k := range []struct {
				s column.Schema
				i int
			}{{c.sc.schema, p.Source}, {ls, p.Key}} {
				if k.s[k.i].Type != column.String {
					return nil, c.errorf("the keys must be strings, got %s for %s", k.s[k.i].Type, k.s[k.i].Name)
				}
			}
			arg := c.namedArg("return_unmatched")
			if len(c.pos) == 4 {
				arg = c.pos[3]
			}
			if arg != nil {
				v, err := c.constant(arg, column.Bool, "return_unmatched")
				if err != nil {
					return nil, err
				}
				p.ReturnUnmatched, _ = v.(bool)
			}
			var schema column.Schema
			if lookupFirst {
				schema = append(append(schema, ls...), c.sc.schema...)
			} else {
				schema = append(append(schema, c.sc.schema...), ls...)
			}
			return &Evaluate{Ins: []Node{in, lookup}, Plugin: name, Params: p, Schema: uniqueNames(schema)}, nil
		}}
	}
	addPlugin("ipv4_lookup",
		"T | evaluate ipv4_lookup(LookupTable, SourceIPv4Key, IPv4LookupKey [, return_unmatched])",
		"joins each row with the lookup rows whose IPv4 network (a.b.c.d/n) contains its address",
		"ipv4-lookup-plugin",
		`let nets = datatable(network:string, name:string)["10.0.0.0/8", "internal"]; datatable(ip:string)["10.1.2.3"] | evaluate ipv4_lookup(nets, ip, network)`,
		build("ipv4_lookup", false))
	addPlugin("ipv6_lookup",
		"T | evaluate ipv6_lookup(LookupTable, SourceIPv6Key, IPv6LookupKey [, return_unmatched])",
		"joins each row with the lookup rows whose IPv6 (or IPv4) network contains its address",
		"ipv6-lookup-plugin",
		`let nets = datatable(network:string, name:string)["2001:db8::/32", "doc"]; datatable(ip:string)["2001:db8::1"] | evaluate ipv6_lookup(nets, ip, network)`,
		build("ipv6_lookup", true))
}

// uniqueNames renames repeated column names as Kusto does, name1, name2...
func uniqueNames(s column.Schema) column.Schema {
	out := make(column.Schema, len(s))
	seen := map[string]bool{}
	for i, f := range s {
		name := f.Name
		for k := 1; seen[name]; k++ {
			name = f.Name + itoa(k)
		}
		seen[name] = true
		out[i] = column.Field{Name: name, Type: f.Type}
	}
	return out
}

func itoa(k int) string {
	if k < 10 {
		return string(rune('0' + k))
	}
	return itoa(k/10) + string(rune('0'+k%10))
}
