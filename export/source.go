package export

import (
	"context"
	"os"

	"clickhunt/column"
	"clickhunt/storage"
)

// StoredTable writes every row of a stored table, block by block in
// ingest order, into t (begun with the table's columns: TableSchema).
// progress, when set, is given the rows written so far after each block.
func StoredTable(ctx context.Context, snap *storage.Snapshot, info *storage.TableInfo, t *Table, progress func(rows int64)) error {
	blocks, err := snap.Blocks(info)
	if err != nil {
		return err
	}
	cols := make([]*column.Vector, len(info.Columns))
	for bi := range blocks {
		if err := ctx.Err(); err != nil {
			return err
		}
		blk := &blocks[bi]
		for i, c := range info.Columns {
			if cols[i], err = snap.ReadColumn(info, blk, c); err != nil {
				return err
			}
		}
		if err := t.Write(&column.Batch{Len: blk.Rows, Cols: cols}); err != nil {
			return err
		}
		if progress != nil {
			progress(t.Rows)
		}
	}
	return nil
}

// TableSchema is a stored table's columns, as export begins it.
func TableSchema(info *storage.TableInfo) column.Schema {
	s := make(column.Schema, len(info.Columns))
	for i, c := range info.Columns {
		s[i] = column.Field{Name: c.Name, Type: c.Type}
	}
	return s
}

func writeFileSync(path, text string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(text); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
