package storage

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	badger "github.com/dgraph-io/badger/v4"
)

// dirState is what the files of a database directory say before Badger
// opens it: Badger's MANIFEST lists the table files (.sst) the LSM tree
// is made of, and a read-write open makes the directory agree with it,
// truncating a MANIFEST whose last record is torn and deleting every
// table file it does not list. That is right after a crash (a table
// written but never recorded is garbage), and wrong when the MANIFEST was
// damaged (the table files it no longer lists hold committed data), so a
// writer looks first.
type dirState struct {
	manifest bool  // a MANIFEST exists
	size     int64 // its size
	// whole is the size of its whole records: less than size when the
	// last record is torn.
	whole int64
	// listed are the table file IDs the MANIFEST names; missing those of
	// them with no file; unlisted the table files it does not name.
	listed, missing, unlisted []uint64
	// data names a file that only a database that has been written to
	// holds (a table, value log or memtable file, or the commit journal);
	// committed one that only a database that committed data holds (a
	// table file or the journal: a first writer killed while creating
	// the database leaves log files, but neither).
	data, committed string
}

// torn reports whether the MANIFEST ends in a partial record.
func (s *dirState) torn() bool { return s.manifest && s.whole < s.size }

// inspectDir reads the MANIFEST of dir (without changing anything) and
// lists its table files.
func inspectDir(dir string) (*dirState, error) {
	s := &dirState{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	present := make(map[uint64]bool)
	for _, e := range entries {
		name := e.Name()
		if strings.HasSuffix(name, ".sst") {
			if id, err := strconv.ParseUint(strings.TrimSuffix(name, ".sst"), 10, 64); err == nil {
				present[id] = true
			}
		}
		if s.data == "" && (name == commitsFile || strings.HasSuffix(name, ".sst") ||
			strings.HasSuffix(name, ".vlog") || strings.HasSuffix(name, ".mem")) {
			s.data = name
		}
		if s.committed == "" && (name == commitsFile || strings.HasSuffix(name, ".sst")) {
			s.committed = name
		}
	}
	f, err := os.Open(filepath.Join(dir, badger.ManifestFilename))
	if errors.Is(err, fs.ErrNotExist) {
		for id := range present {
			s.unlisted = append(s.unlisted, id)
		}
		slices.Sort(s.unlisted)
		return s, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	s.manifest, s.size = true, fi.Size()
	m, whole, err := badger.ReplayManifestFile(f, 0, badger.DefaultOptions(dir).WithLogger(nil))
	if err != nil {
		return nil, fmt.Errorf("%w: its MANIFEST (Badger's list of table files) is damaged: %v", ErrCorrupt, err)
	}
	s.whole = whole
	for id := range m.Tables {
		s.listed = append(s.listed, id)
		if !present[id] {
			s.missing = append(s.missing, id)
		}
	}
	for id := range present {
		if _, ok := m.Tables[id]; !ok {
			s.unlisted = append(s.unlisted, id)
		}
	}
	slices.Sort(s.listed)
	slices.Sort(s.missing)
	slices.Sort(s.unlisted)
	return s, nil
}

// tableFiles names table file IDs as Badger names the files.
func tableFiles(ids []uint64) string {
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = fmt.Sprintf("%06d.sst", id)
	}
	return strings.Join(names, ", ")
}

// damage describes what is wrong with the files themselves, or "" when
// nothing is: a missing or torn MANIFEST, or table files it names that
// are gone. Table files the MANIFEST does not name are not damage by
// themselves: a writer interrupted while writing one leaves it.
func (s *dirState) damage() string {
	switch {
	case !s.manifest && s.data != "":
		return fmt.Sprintf("its MANIFEST (Badger's list of table files) is missing, but the directory holds %s: "+
			"the database cannot be read without it, and clickhunt will not write a new database over the old files", s.data)
	case s.torn():
		what := "the table files it no longer lists"
		if len(s.unlisted) > 0 {
			what = tableFiles(s.unlisted)
		}
		return fmt.Sprintf("its MANIFEST (Badger's list of table files) ends in a torn record "+
			"(%d of its %d bytes are whole records): it was truncated or damaged after it was written, "+
			"and opening it for writing would drop %s", s.whole, s.size, what)
	case len(s.missing) > 0:
		return fmt.Sprintf("the table files %s that its MANIFEST lists are missing", tableFiles(s.missing))
	}
	return ""
}
