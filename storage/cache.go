package storage

import (
	"sync"
	"unsafe"

	"clickhunt/column"
)

// blockCache keeps decoded column blocks in memory so that the next query
// of the same process (the REPL, `query --repeat`, a batch file, the report
// server) skips reading and decompressing them. A committed block never
// changes, so (table, block, column) names its contents for good.
//
// Eviction is least recently used, with one rule for scans larger than the
// cache: an entry is only evicted for one read by a later snapshot than the
// one that last used it. A query that reads more than fits keeps what it
// cached first instead of pushing out, block by block, what it is about to
// read again on its next run; a new query still replaces an older one's
// blocks.
type blockCache struct {
	mu    sync.Mutex
	limit int64
	used  int64
	m     map[cacheKey]*cacheEntry
	lru   cacheEntry // sentinel: lru.next is the most recently used
	stats CacheStats

	// Each table's decoded block list and each column's shared
	// dictionary (shared.go) as of the table's commit point: committed
	// metas and entries never change, and a new commit moves the key on.
	// A few hundred bytes per block and a few MB per dictionary, outside
	// the budget.
	metas commitCache[uint32, metaCacheKey, []BlockMeta]
	dicts commitCache[[2]uint32, metaCacheKey, []string]
}

// metaCacheKey is a table's commit point.
type metaCacheKey struct {
	table             uint32
	nextBlock, blocks uint64
	rows              int64
}

// commitCache holds one value per slot (a table, a column) as of a commit
// point, replacing the value of an older one.
type commitCache[S, K comparable, V any] struct {
	mu sync.Mutex
	m  map[S]commitEntry[K, V]
}

type commitEntry[K comparable, V any] struct {
	key K
	val V
}

// get returns slot's value if it is cached as of key.
func (c *commitCache[S, K, V]) get(slot S, key K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[slot]
	if !ok || e.key != key {
		var zero V
		return zero, false
	}
	return e.val, true
}

// keep caches slot's value as of key.
func (c *commitCache[S, K, V]) keep(slot S, key K, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[S]commitEntry[K, V]{}
	}
	c.m[slot] = commitEntry[K, V]{key: key, val: v}
}

type cacheKey struct {
	table uint32
	block uint64
	col   uint32
}

type cacheEntry struct {
	key cacheKey
	// v is the vector without its dictionary, which is packed into blob
	// (the strings' bytes) and offs (where each starts, and the end):
	// memory the garbage collector need not scan. Gigabytes of cached
	// string headers made every collection mark for hundreds of
	// milliseconds, halving queries that ran meanwhile. A block coded
	// into a shared dictionary (shared) keeps only its codes.
	v      *column.Vector
	blob   []byte
	offs   []uint32
	shared bool
	// identity: row i is dictionary entry i (a column of mostly distinct
	// strings, stored as a dictionary of its rows).
	identity   bool
	size       int64
	epoch      uint64 // the snapshot that last used it
	prev, next *cacheEntry
}

// packEntry splits v's dictionary off into one byte slice. A shared
// block's v comes without its dictionary (put drops it).
func packEntry(k cacheKey, v *column.Vector, epoch uint64, shared bool) *cacheEntry {
	e := &cacheEntry{key: k, v: v, epoch: epoch, shared: shared}
	if shared || v.Dict == nil {
		return e
	}
	n := 0
	for _, s := range v.Dict {
		n += len(s)
	}
	e.blob = make([]byte, 0, n)
	e.offs = make([]uint32, 0, len(v.Dict)+1)
	for _, s := range v.Dict {
		e.offs = append(e.offs, uint32(len(e.blob)))
		e.blob = append(e.blob, s...)
	}
	e.offs = append(e.offs, uint32(len(e.blob)))
	shell := *v
	shell.Dict = nil
	e.v = &shell
	e.identity = len(v.Dict) == v.Len && len(v.Codes) == v.Len
	for i := 0; e.identity && i < len(v.Codes); i++ {
		e.identity = v.Codes[i] == uint32(i)
	}
	return e
}

// str is dictionary entry i of a packed entry.
func (e *cacheEntry) str(i uint32) string {
	if lo, hi := e.offs[i], e.offs[i+1]; hi > lo {
		return unsafe.String(&e.blob[lo], hi-lo)
	}
	return ""
}

// rows is vector().Gather(rows) without rebuilding the whole dictionary:
// a filter that keeps a few rows of a block of URLs takes just their
// strings (which point into blob, as vector's do).
func (e *cacheEntry) rows(rows []uint32) *column.Vector {
	if e.shared || e.offs == nil {
		return e.vector().Gather(rows) // codes or numbers: cheap to gather
	}
	out := &column.Vector{Type: e.v.Type, Len: len(rows), Codes: make([]uint32, len(rows))}
	if e.v.Nulls != nil {
		out.Nulls = make([]bool, len(rows))
		any := false
		for j, r := range rows {
			out.Nulls[j] = e.v.Nulls[r]
			any = any || out.Nulls[j]
		}
		if !any {
			out.Nulls = nil
		}
	}
	if e.identity {
		out.Dict = make([]string, len(rows))
		for j, r := range rows {
			out.Dict[j], out.Codes[j] = e.str(r), uint32(j)
		}
		return out
	}
	remap := make([]uint32, len(e.offs)-1) // new code + 1; 0: not yet
	for j, r := range rows {
		c := e.v.Codes[r]
		if remap[c] == 0 {
			out.Dict = append(out.Dict, e.str(c))
			remap[c] = uint32(len(out.Dict))
		}
		out.Codes[j] = remap[c] - 1
	}
	return out
}

// vector rebuilds the cached vector: its dictionary's strings point into
// blob, which nothing writes to.
func (e *cacheEntry) vector() *column.Vector {
	if e.shared {
		out := *e.v // the caller attaches the dictionary
		return &out
	}
	if e.offs == nil {
		return e.v
	}
	out := *e.v
	out.Dict = make([]string, len(e.offs)-1)
	for i := range out.Dict {
		if lo, hi := e.offs[i], e.offs[i+1]; hi > lo {
			out.Dict[i] = unsafe.String(&e.blob[lo], hi-lo)
		}
	}
	return &out
}

// CacheStats count the decoded-block cache's work since Open.
type CacheStats struct {
	Hits, Misses int64
	// Skipped counts blocks not kept because the cache was full of the
	// blocks of the current snapshot.
	Skipped int64
	// Bytes is what the cached blocks hold now, Entries how many there are.
	Bytes   int64
	Entries int
}

func newBlockCache(limit int64) *blockCache {
	c := &blockCache{limit: limit, m: map[cacheKey]*cacheEntry{}}
	c.lru.next, c.lru.prev = &c.lru, &c.lru
	return c
}

func (c *blockCache) unlink(e *cacheEntry) {
	e.prev.next, e.next.prev = e.next, e.prev
}

func (c *blockCache) pushFront(e *cacheEntry) {
	e.prev, e.next = &c.lru, c.lru.next
	c.lru.next.prev = e
	c.lru.next = e
}

// get returns the cached vector for k, marking it used by epoch. When
// shared, the vector's Dict is nil: the caller attaches the column's
// shared dictionary.
func (c *blockCache) get(k cacheKey, epoch uint64) (_ *column.Vector, shared bool) {
	c.mu.Lock()
	e, ok := c.m[k]
	if !ok {
		c.stats.Misses++
		c.mu.Unlock()
		return nil, false
	}
	c.stats.Hits++
	if epoch > e.epoch {
		e.epoch = epoch
	}
	c.unlink(e)
	c.pushFront(e)
	c.mu.Unlock()
	return e.vector(), e.shared // an entry's vector and blob never change
}

// getRows is get followed by Gather(rows) (cacheEntry.rows). A miss is
// not counted: the caller then reads the block through get.
func (c *blockCache) getRows(k cacheKey, epoch uint64, rows []uint32) (_ *column.Vector, shared bool) {
	c.mu.Lock()
	e, ok := c.m[k]
	if !ok {
		c.mu.Unlock()
		return nil, false
	}
	c.stats.Hits++
	if epoch > e.epoch {
		e.epoch = epoch
	}
	c.unlink(e)
	c.pushFront(e)
	c.mu.Unlock()
	return e.rows(rows), e.shared
}

// put keeps v under k if it fits, evicting least recently used entries of
// earlier snapshots to make room.
func (c *blockCache) put(k cacheKey, v *column.Vector, epoch uint64, shared bool) {
	if shared {
		// The codes only: the dictionary is the column's, not the block's.
		shell := *v
		shell.Dict = nil
		v = &shell
	}
	size := entryBytes(v)
	if size > c.limit/8 {
		return // one block must not flush a fair share of the cache
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[k]; ok {
		return // another reader of the same block was first
	}
	for c.used+size > c.limit {
		victim := c.lru.prev
		if victim == &c.lru || victim.epoch >= epoch {
			c.stats.Skipped++
			return
		}
		c.unlink(victim)
		delete(c.m, victim.key)
		c.used -= victim.size
	}
	e := packEntry(k, v, epoch, shared)
	e.size = size
	c.m[k] = e
	c.pushFront(e)
	c.used += size
}

func (c *blockCache) snapshotStats() CacheStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.stats
	s.Bytes, s.Entries = c.used, len(c.m)
	return s
}

// vectorBytes is the memory a decoded vector holds, for the cache's
// budget: its slices, and the bytes and headers of its strings.
func vectorBytes(v *column.Vector) int64 {
	const strHeader = int64(unsafe.Sizeof(""))
	n := int64(unsafe.Sizeof(*v))
	n += int64(cap(v.Codes))*4 + int64(cap(v.Ints))*8 + int64(cap(v.Floats))*8 +
		int64(cap(v.Bools)) + int64(cap(v.Nulls)) + int64(cap(v.Anys))*16
	for _, ss := range [][]string{v.Dict, v.Strs} {
		n += int64(cap(ss)) * strHeader
		for _, s := range ss {
			n += int64(len(s))
		}
	}
	return n
}

// entryBytes is what a cache entry for v holds: v, with its dictionary's
// string headers replaced by one offset each (packEntry).
func entryBytes(v *column.Vector) int64 {
	n := vectorBytes(v)
	if v.Dict != nil {
		n += 4*int64(len(v.Dict)+1) - int64(cap(v.Dict))*int64(unsafe.Sizeof(""))
	}
	return n
}

// CacheStats reports the decoded-block cache's counters (zero when the
// database was opened without one).
func (db *DB) CacheStats() CacheStats {
	if db.cache == nil {
		return CacheStats{}
	}
	return db.cache.snapshotStats()
}
