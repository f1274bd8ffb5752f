package report

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// Groups is a group file: which users belong to which group, for the
// report's "User or group" filter. The file is a CSV of user,group rows
// (one row per membership; a first row "user,group" is a header), as
// exported from a directory.
type Groups struct {
	// File names the file in messages.
	File    string
	names   map[string]string   // lower-case name => as first written
	members map[string][]string // lower-case name => users, in file order
}

// LoadGroups reads a group file.
func LoadGroups(path string) (*Groups, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadGroups(f, path)
}

// ReadGroups reads a group file from r; name is the file's name for
// messages (file:line: what is wrong).
func ReadGroups(r io.Reader, name string) (*Groups, error) {
	g := &Groups{File: name, names: map[string]string{}, members: map[string][]string{}}
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	seen := map[string]bool{}
	for first := true; ; first = false {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if first && len(rec) > 0 {
			rec[0] = strings.TrimPrefix(rec[0], "\ufeff")
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if len(rec) != 2 {
			return nil, fmt.Errorf("%s:%d: %d fields, expected 2: user,group", name, line, len(rec))
		}
		user, group := strings.TrimSpace(rec[0]), strings.TrimSpace(rec[1])
		if first && strings.EqualFold(user, "user") && strings.EqualFold(group, "group") {
			continue
		}
		if user == "" || group == "" {
			return nil, fmt.Errorf("%s:%d: empty user or group", name, line)
		}
		if strings.ContainsAny(user+group, "\x00\r\n\"\\") || len(user) > 320 {
			return nil, fmt.Errorf("%s:%d: bad user or group %q, %q", name, line, user, group)
		}
		k := strings.ToLower(group)
		if _, ok := g.names[k]; !ok {
			g.names[k] = group
		}
		if mk := k + "\x00" + strings.ToLower(user); !seen[mk] {
			seen[mk] = true
			g.members[k] = append(g.members[k], user)
		}
	}
	if len(g.names) == 0 {
		return nil, fmt.Errorf("%s: no user,group rows", name)
	}
	return g, nil
}

// Names returns the groups' names, sorted.
func (g *Groups) Names() []string {
	var out []string
	for _, n := range g.names {
		out = append(out, n)
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i]) < strings.ToLower(out[j]) })
	return out
}

// Lookup finds a group by name (any case): its name as written and its
// members.
func (g *Groups) Lookup(name string) (string, []string, bool) {
	k := strings.ToLower(strings.TrimSpace(name))
	n, ok := g.names[k]
	return n, g.members[k], ok
}
