package y

import "os"

// DataEnd returns the offset just past the last byte of data (the file's
// memory map) that is not zero (clickhunt). Where the file system says
// where its holes are (dataEnd), only the last extent with data is read;
// elsewhere data is scanned from its end.
func DataEnd(f *os.File, data []byte) int64 {
	lo, hi := dataExtentEnd(f, int64(len(data)))
	for i := hi - 1; i >= lo; i-- {
		if data[i] != 0 {
			return i + 1
		}
	}
	if lo > 0 {
		// The last extent is all zeros (allocated ahead): look before it.
		return DataEnd(f, data[:lo])
	}
	return 0
}
