package coding

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"slices"
)

// bbolt trusts its file: a page id past the end of the file is a SIGBUS when
// the map is read, a page of the wrong kind a panic, a branch that points
// back up the tree a stack overflow, and its own freelist rebuild walks
// pages in a goroutine nobody can recover. So qcode reads bbolt's on-disk
// layout itself (go.etcd.io/bbolt v1.5.0, internal/common: meta, page,
// branch and leaf elements, bucket headers; native byte order) before it
// hands a file to bbolt:
//
//   - readHead, before every open: both meta pages (magic, version,
//     checksum), chosen as bbolt chooses (the valid one with the higher
//     transaction id), the file's size against the meta's page count, and
//     the freelist page;
//   - walkPages, before writing and in `qcode check`: every page reachable
//     from the root, with its bounds, kind, id, key order and bucket
//     headers, each page reached once and never also free.

const (
	boltMagic       = 0xED0CDAED
	boltVersion     = 2
	pageHeaderSize  = 16
	elemSize        = 16 // branch and leaf elements are both 16 bytes
	bucketHeaderLen = 16 // root pgid(8) sequence(8)
	metaLen         = 64 // magic … txid, then the checksum of those 56 bytes
	noFreelist      = ^uint64(0)

	flagBranch   = 0x01
	flagLeaf     = 0x02
	flagMeta     = 0x04
	flagFreelist = 0x10
	leafIsBucket = 0x01
)

var native = binary.NativeEndian

// boltMeta is one of the two meta pages.
type boltMeta struct {
	pageSize uint32
	root     uint64 // page of the root bucket
	freelist uint64 // page of the freelist, or noFreelist
	pgid     uint64 // high-water mark: pages in use, file pages beyond are spare
	txid     uint64
	err      string // why the page is invalid ("" when valid)
	// torn: invalid as a write cut off leaves a page (its magic number,
	// version or checksum fails), not a whole page that says something
	// wrong.
	torn bool
}

func parseMeta(page []byte) boltMeta {
	if len(page) < pageHeaderSize+metaLen {
		return boltMeta{err: "short page"}
	}
	b := page[pageHeaderSize:]
	m := boltMeta{
		pageSize: native.Uint32(b[8:]),
		root:     native.Uint64(b[16:]),
		freelist: native.Uint64(b[32:]),
		pgid:     native.Uint64(b[40:]),
		txid:     native.Uint64(b[48:]),
	}
	h := fnv.New64a()
	h.Write(b[:56])
	switch {
	case native.Uint32(b) != boltMagic:
		m.err, m.torn = "no bbolt magic number", true
	case native.Uint32(b[4:]) != boltVersion:
		m.err, m.torn = fmt.Sprintf("bbolt format version %d", native.Uint32(b[4:])), true
	case native.Uint64(b[56:]) != h.Sum64():
		m.err, m.torn = "checksum does not match", true
	case m.pageSize < 512 || m.pageSize > 1<<24 || m.pageSize&(m.pageSize-1) != 0:
		m.err = fmt.Sprintf("page size %d", m.pageSize)
	}
	return m
}

// fileHead is what the meta pages say about a file.
type fileHead struct {
	size     int64
	pageSize int
	meta     boltMeta // the one bbolt uses
	slot     int      // its page: 0 or 1
	metaErrs []string // invalid meta pages (bbolt falls back to the other one)
	torn     int      // the one invalid meta page, when it is torn (see boltMeta), else -1
	freeIDs  []uint64 // the freelist, when synced
}

// readHead reads a file's meta pages and freelist without mapping it. A
// file with no valid meta page is not a bbolt database (errNotBolt); a
// truncated file or a bad freelist is damaged (ErrDamaged).
func readHead(f *os.File) (fileHead, error) {
	st, err := f.Stat()
	if err != nil {
		return fileHead{}, err
	}
	h := fileHead{size: st.Size()}
	if h.size == 0 {
		return h, errorf(ErrNotProject, "not a qcode project (an empty file)")
	}
	buf := make([]byte, pageHeaderSize+metaLen)
	read := func(off int64) boltMeta {
		n, err := f.ReadAt(buf, off)
		if n < len(buf) && err != nil {
			return boltMeta{err: "short page"}
		}
		return parseMeta(buf)
	}
	m0 := read(0)
	m1 := boltMeta{err: "not found"}
	if m0.err == "" {
		h.pageSize = int(m0.pageSize)
		m1 = read(int64(h.pageSize))
	} else {
		// bbolt's own search for the second meta when the first is bad.
		for i := 0; i <= 14; i++ {
			off := int64(1024) << i
			if off >= h.size-1024 {
				break
			}
			if m1 = read(off); m1.err == "" {
				h.pageSize = int(m1.pageSize)
				break
			}
		}
	}
	switch {
	case m0.err != "" && m1.err != "":
		return h, errNotBolt
	case m0.err == "" && m1.err == "" && m0.pageSize != m1.pageSize:
		m1.err = fmt.Sprintf("page size %d, meta page 0 says %d", m1.pageSize, m0.pageSize)
	}
	h.meta, h.torn = m0, -1
	if m1.err == "" && (m0.err != "" || m1.txid > m0.txid) {
		h.meta, h.slot = m1, 1
	}
	for i, m := range []boltMeta{m0, m1} {
		if m.err != "" {
			h.metaErrs = append(h.metaErrs, fmt.Sprintf("meta page %d: %s", i, m.err))
			if m.torn && len(h.metaErrs) == 1 {
				h.torn = i
			}
		}
	}
	if len(h.metaErrs) != 1 {
		h.torn = -1
	}
	ps := uint64(h.pageSize)
	m := h.meta
	switch {
	case m.pgid < 3 || m.pgid > uint64(h.size)/ps:
		return h, errorf(ErrDamaged, "the file is %d bytes, its header says %d pages of %d bytes (truncated?)", h.size, m.pgid, ps)
	case m.root < 2 || m.root >= m.pgid:
		return h, errorf(ErrDamaged, "the root bucket is page %d, outside the file's %d pages", m.root, m.pgid)
	case m.freelist != noFreelist && (m.freelist < 2 || m.freelist >= m.pgid):
		return h, errorf(ErrDamaged, "the freelist is page %d, outside the file's %d pages", m.freelist, m.pgid)
	}
	if m.freelist != noFreelist {
		if h.freeIDs, err = readFreelist(f, h); err != nil {
			return h, err
		}
	}
	return h, nil
}

// errNotBolt is a file with no valid bbolt meta page.
var errNotBolt = errorf(ErrNotProject, "not a qcode project (not a bbolt database)")

// readFreelist reads and checks the freelist page (and its overflow pages).
func readFreelist(f *os.File, h fileHead) ([]uint64, error) {
	ps, id := int64(h.pageSize), h.meta.freelist
	hdr := make([]byte, pageHeaderSize+8)
	if _, err := f.ReadAt(hdr, int64(id)*ps); err != nil && err != io.EOF {
		return nil, err
	}
	flags, count, overflow := native.Uint16(hdr[8:]), uint64(native.Uint16(hdr[10:])), uint64(native.Uint32(hdr[12:]))
	bad := func(format string, args ...any) error {
		return errorf(ErrDamaged, "freelist page %d: %s", id, fmt.Sprintf(format, args...))
	}
	if flags != flagFreelist {
		return nil, bad("page kind %#x, want freelist", flags)
	}
	if native.Uint64(hdr) != id {
		return nil, bad("page says it is page %d", native.Uint64(hdr))
	}
	if id+overflow >= h.meta.pgid {
		return nil, bad("%d overflow pages run past the file's %d pages", overflow, h.meta.pgid)
	}
	skip := uint64(0)
	if count == 0xFFFF {
		count, skip = native.Uint64(hdr[pageHeaderSize:]), 1
	}
	room := (uint64(ps)*(overflow+1) - pageHeaderSize) / 8
	if count+skip > room {
		return nil, bad("%d free pages do not fit in %d pages", count, overflow+1)
	}
	raw := make([]byte, (count+skip)*8)
	if _, err := f.ReadAt(raw, int64(id)*ps+pageHeaderSize); err != nil && err != io.EOF {
		return nil, err
	}
	ids := make([]uint64, count)
	for i := range ids {
		ids[i] = native.Uint64(raw[(uint64(i)+skip)*8:])
		if ids[i] < 2 || ids[i] >= h.meta.pgid {
			return nil, bad("free page %d is outside the file's %d pages", ids[i], h.meta.pgid)
		}
	}
	return ids, nil
}

// pageWalk checks every page reachable from the root bucket of a file.
// Pages are read with pread, not mapped (a map would count the whole file
// as resident memory). Branch pages are read one by one, going down the
// tree; leaves (all but a percent or so of the pages) are put off and then
// read in file order, many to a read.
type pageWalk struct {
	f        io.ReaderAt
	ps       uint64
	hwm      uint64
	metaErrs []string
	freeIDs  []uint64
	freelist uint64
	root     uint64
	reached  []uint64 // bitset of pages reached (overflow pages included)
	free     []uint64 // bitset of free pages
	found    *findings
	bufs     [][]byte // a page buffer per depth
	pending  []leafCheck
	branches []branchCopy
	shallow  bool  // check branch pages only, not the leaves below them
	err      error // a read that failed
	// leafDepth remembers, per bucket tree (its root page), the depth at
	// which its leaves are: bbolt trees are balanced, so one read tells.
	leafDepth map[uint64]int
	pages     int // pages reached
	keys      int // leaf keys
	buckets   int
}

// leafCheck is a leaf put off: child elem of branches[branch].
type leafCheck struct {
	id     uint64
	branch uint32
	elem   uint16
}

// branchCopy is a branch whose leaves are put off: its page (their bounds
// are its keys), its own upper bound, their depth and bucket tree.
type branchCopy struct {
	page   []byte
	hi     []byte
	depth  int
	bucket uint64 // the root page of the bucket's tree
}

// chunkPages is how many pages a read of put-off leaves covers at most.
const chunkPages = 1024

// walkPages checks the tree of f against its head. It reads only the pages
// the head says are in the file, so a damaged file cannot crash it.
func walkPages(f io.ReaderAt, h fileHead, found *findings) (pages, keys, buckets int) {
	return newPageWalk(f, h, found).run()
}

// walkBranches is walkPages for the branch pages only (about a page in a
// hundred): what a read needs to be safe from. A read that meets a damaged
// leaf panics inside bbolt and is recovered (see guarded); a branch that
// points back up the tree would recurse until the stack overflows, which
// nothing recovers from.
func walkBranches(f io.ReaderAt, h fileHead, found *findings) {
	w := newPageWalk(f, h, found)
	w.shallow, w.metaErrs = true, nil // bbolt reads through a bad meta page, from the other one
	w.run()
}

func newPageWalk(f io.ReaderAt, h fileHead, found *findings) *pageWalk {
	return &pageWalk{f: f, ps: uint64(h.pageSize), hwm: h.meta.pgid, found: found, metaErrs: h.metaErrs,
		freeIDs: h.freeIDs, freelist: h.meta.freelist, root: h.meta.root,
		reached: make([]uint64, h.meta.pgid/64+1), free: make([]uint64, h.meta.pgid/64+1)}
}

func (w *pageWalk) run() (pages, keys, buckets int) {
	found := w.found
	for _, e := range w.metaErrs {
		found.add("meta", "%s", e)
	}
	for _, id := range w.freeIDs {
		if w.free[id/64]&(1<<(id%64)) != 0 {
			found.add("freelist", "page %d is listed free twice", id)
		}
		w.free[id/64] |= 1 << (id % 64)
	}
	w.mark(0, 0, "meta")
	w.mark(1, 0, "meta")
	if w.freelist != noFreelist {
		if p, ok := w.page(w.freelist, 0); ok {
			w.mark(w.freelist, uint64(native.Uint32(p[12:])), "freelist")
		}
	}
	w.tree(w.root, nil, nil, 0, 0)
	w.drain()
	if w.err != nil {
		found.add("file", "reading page: %v", w.err)
	}
	if w.freelist == noFreelist || w.shallow || w.err != nil || found.stopped() {
		return w.pages, w.keys, w.buckets // bbolt rebuilds the freelist from what is unreachable
	}
	for id := uint64(2); id < w.hwm; id++ {
		if w.reached[id/64]&(1<<(id%64)) == 0 && w.free[id/64]&(1<<(id%64)) == 0 {
			found.add("pages", "page %d is neither in use nor free", id)
		}
	}
	return w.pages, w.keys, w.buckets
}

// mark records that pages id … id+overflow are in use (one page and its
// overflow, or a leaf's overflow when the leaf was marked already).
func (w *pageWalk) mark(id, overflow uint64, what string) bool {
	if id+overflow >= w.hwm || id+overflow < id {
		w.found.add("pages", "%s page %d (+%d overflow) is past the file's %d pages", what, id, overflow, w.hwm)
		return false
	}
	for i := id; i <= id+overflow; i++ {
		bit := uint64(1) << (i % 64)
		if w.reached[i/64]&bit != 0 {
			w.found.add("pages", "page %d is used twice (again by a %s page)", i, what)
			return false
		}
		if w.free[i/64]&bit != 0 {
			w.found.add("pages", "page %d is in use by a %s page and also listed free", i, what)
		}
		w.reached[i/64] |= bit
	}
	return true
}

// read fills b from page id on.
func (w *pageWalk) read(b []byte, id uint64) bool {
	if w.err != nil {
		return false
	}
	if _, err := w.f.ReadAt(b, int64(id*w.ps)); err != nil && err != io.EOF {
		w.err = err
		return false
	}
	return true
}

// page reads the first page of page id into the buffer of the given depth
// (its overflow pages are read only where a key or bucket header lies in
// them, see span).
func (w *pageWalk) page(id uint64, depth int) ([]byte, bool) {
	if id >= w.hwm {
		return nil, false
	}
	for len(w.bufs) <= depth {
		w.bufs = append(w.bufs, make([]byte, w.ps))
	}
	p := w.bufs[depth]
	return p, w.read(p, id)
}

// span returns n bytes at off within page id, whose first page is p: from p
// when they lie in it, else read from its overflow pages.
func (w *pageWalk) span(p []byte, id, off, n uint64) ([]byte, bool) {
	if off+n <= uint64(len(p)) {
		return p[off : off+n], true
	}
	b := make([]byte, n)
	if _, err := w.f.ReadAt(b, int64(id*w.ps+off)); err != nil && err != io.EOF {
		w.err = err
		return nil, false
	}
	return b, true
}

// putOff queues the children of a branch for drain, when they are leaves
// (as the first such branch's first child says: a bbolt tree is balanced;
// a leaf that is not is found when drain reads it). The branch page is
// copied, since the bounds of its children are its keys; hi is its own
// upper bound.
func (w *pageWalk) putOff(p []byte, id uint64, count int, hi []byte, depth int, bucket uint64) bool {
	if d, ok := w.leafDepth[bucket]; ok && d != depth+1 {
		return false
	} else if !ok {
		first, ok := w.page(native.Uint64(p[pageHeaderSize+8:]), depth+1)
		if !ok || native.Uint16(first[8:]) != flagLeaf {
			return false
		}
		if w.leafDepth == nil {
			w.leafDepth = map[uint64]int{}
		}
		w.leafDepth[bucket] = depth + 1
	}
	for i := 0; i < count; i++ {
		if branchKey(p, i) == nil {
			return false // the branch itself is damaged, or its keys overflow: no shortcut
		}
	}
	b := branchCopy{page: bytes.Clone(p), hi: bytes.Clone(hi), depth: depth + 1, bucket: bucket}
	w.branches = append(w.branches, b)
	for i := 0; i < count; i++ {
		child := native.Uint64(p[pageHeaderSize+i*elemSize+8:])
		switch {
		case child == id:
			w.found.add("pages", "%s: element %d points to its own page", where(id), i)
		case child >= w.hwm:
			w.found.add("pages", "page %d is past the file's %d pages", child, w.hwm)
		case w.mark(child, 0, "leaf") && !w.shallow:
			w.pages++
			w.pending = append(w.pending, leafCheck{id: child, branch: uint32(len(w.branches) - 1), elem: uint16(i)})
		}
	}
	return true
}

// branchKey is the key of element i of a branch page (nil when it is not
// within the page).
func branchKey(p []byte, i int) []byte {
	e := pageHeaderSize + i*elemSize
	pos, ksize := uint64(native.Uint32(p[e:])), uint64(native.Uint32(p[e+4:]))
	start := uint64(e) + pos
	if pos < elemSize || ksize == 0 || start+ksize > uint64(len(p)) {
		return nil
	}
	return p[start : start+ksize]
}

// drain checks the put-off leaves in file order, reading up to chunkPages
// pages at a time; a leaf that holds buckets may put off more.
func (w *pageWalk) drain() {
	var chunk []byte
	for len(w.pending) > 0 && w.err == nil && !w.found.stopped() {
		list := w.pending
		w.pending = nil
		slices.SortFunc(list, func(a, b leafCheck) int { return cmp.Compare(a.id, b.id) })
		for i := 0; i < len(list) && w.err == nil && !w.found.stopped(); {
			first := list[i].id
			last := first
			j := i
			for j < len(list) && list[j].id-first < chunkPages {
				last = list[j].id
				j++
			}
			n := (last - first + 1) * w.ps
			if chunk == nil {
				chunk = make([]byte, chunkPages*w.ps)
			}
			if !w.read(chunk[:n], first) {
				return
			}
			for _, l := range list[i:j] {
				off := (l.id - first) * w.ps
				w.leaf(chunk[off:off+w.ps], l)
			}
			i = j
		}
	}
}

// leaf checks a put-off leaf (its first page is p).
func (w *pageWalk) leaf(p []byte, l leafCheck) {
	if got := native.Uint64(p); got != l.id {
		w.found.add("pages", "page %d says it is page %d", l.id, got)
		return
	}
	if flags := native.Uint16(p[8:]); flags != flagLeaf {
		w.found.add("pages", "page %d: kind %#x where a leaf belongs (its siblings are leaves)", l.id, flags)
		return
	}
	if overflow := uint64(native.Uint32(p[12:])); overflow > 0 && !w.mark(l.id+1, overflow-1, "leaf's overflow") {
		return
	}
	b := &w.branches[l.branch]
	lo, hi := branchKey(b.page, int(l.elem)), b.hi
	if int(l.elem)+1 < int(native.Uint16(b.page[10:])) {
		hi = branchKey(b.page, int(l.elem)+1)
	}
	w.node(p, l.id, flagLeaf, lo, hi, b.depth, b.bucket)
}

// tree checks the B+tree rooted at page id: every key of the subtree lies in
// [lo, hi) (nil: unbounded).
func (w *pageWalk) tree(id uint64, lo, hi []byte, depth int, bucket uint64) {
	if w.found.stopped() || w.err != nil {
		return
	}
	if depth > 64 {
		w.found.add("pages", "page %d: the tree is more than 64 levels deep (a loop?)", id)
		return
	}
	p, ok := w.page(id, depth)
	if !ok {
		if w.err == nil {
			w.found.add("pages", "page %d is past the file's %d pages", id, w.hwm)
		}
		return
	}
	if got := native.Uint64(p); got != id {
		w.found.add("pages", "page %d says it is page %d", id, got)
		return
	}
	flags := native.Uint16(p[8:])
	if flags != flagBranch && flags != flagLeaf {
		w.found.add("pages", "page %d: kind %#x where a branch or leaf belongs", id, flags)
		return
	}
	if !w.mark(id, uint64(native.Uint32(p[12:])), kindName(flags)) {
		return
	}
	w.pages++
	w.node(p, id, flags, lo, hi, depth, bucket)
}

func kindName(flags uint16) string {
	if flags == flagBranch {
		return "branch"
	}
	return "leaf"
}

// where names a page in a message (id 0: an inline bucket's page).
func where(id uint64) string {
	if id == 0 {
		return "an inline bucket"
	}
	return fmt.Sprintf("page %d", id)
}

// node checks the elements of a branch or leaf page (p: its first page,
// or an inline bucket's page when id is 0), then what they point to. Keys
// must rise strictly, from lo (inclusive) to hi (exclusive).
func (w *pageWalk) node(p []byte, id uint64, flags uint16, lo, hi []byte, depth int, bucket uint64) {
	count := int(native.Uint16(p[10:]))
	size := uint64(len(p))
	if id != 0 {
		size = (uint64(native.Uint32(p[12:])) + 1) * w.ps
	}
	if count == 0 && flags == flagBranch {
		w.found.add("pages", "%s: a branch with no elements", where(id))
		return
	}
	if pageHeaderSize+count*elemSize > len(p) {
		w.found.add("pages", "%s: %d elements do not fit in %d bytes", where(id), count, len(p))
		return
	}
	if flags == flagBranch && w.putOff(p, id, count, hi, depth, bucket) {
		for i := 0; i < count; i++ { // the keys' order; putOff checked their bounds
			e := pageHeaderSize + i*elemSize
			pos, ksize := uint64(native.Uint32(p[e:])), uint64(native.Uint32(p[e+4:]))
			key := p[uint64(e)+pos : uint64(e)+pos+ksize]
			if c := bytes.Compare(key, lo); lo != nil && (c < 0 || (c == 0 && i > 0)) {
				w.found.add("keys", "%s: key %d (%x) is out of order", where(id), i, short(key))
			}
			if hi != nil && bytes.Compare(key, hi) >= 0 {
				w.found.add("keys", "%s: key %d (%x) belongs to a later page", where(id), i, short(key))
			}
			lo = key
		}
		return
	}
	// element reads element i: where its key starts, the key and value
	// sizes, and the key.
	element := func(i int) (start, vsize uint64, key []byte, ok bool) {
		e := pageHeaderSize + i*elemSize
		pos, ksize := uint64(native.Uint32(p[e+4:])), uint64(native.Uint32(p[e+8:]))
		vsize = uint64(native.Uint32(p[e+12:]))
		if flags == flagBranch {
			pos, ksize, vsize = uint64(native.Uint32(p[e:])), uint64(native.Uint32(p[e+4:])), 0
		}
		start = uint64(e) + pos
		if pos < elemSize || ksize == 0 || start+ksize+vsize > size {
			w.found.add("pages", "%s: element %d (offset %d, key %d, value %d bytes) is outside the page", where(id), i, pos, ksize, vsize)
			return 0, 0, nil, false
		}
		key, ok = w.span(p, id, start, ksize)
		return start, vsize, key, ok
	}
	prev := lo
	for i := 0; i < count; i++ {
		start, vsize, key, ok := element(i)
		if !ok {
			return
		}
		if prev != nil {
			if c := bytes.Compare(key, prev); c < 0 || (c == 0 && i > 0) {
				w.found.add("keys", "%s: key %d (%x) is out of order", where(id), i, short(key))
			}
		}
		prev = key
		e := pageHeaderSize + i*elemSize
		if flags == flagBranch {
			next := hi
			if i+1 < count {
				if _, _, next, ok = element(i + 1); !ok {
					return
				}
			}
			child := native.Uint64(p[e+8:])
			if child == id {
				w.found.add("pages", "%s: element %d points to its own page", where(id), i)
				continue
			}
			w.tree(child, key, next, depth+1, bucket)
			continue
		}
		w.keys++
		if eflags := native.Uint32(p[e:]); eflags&leafIsBucket != 0 {
			if v, ok := w.span(p, id, start+uint64(len(key)), vsize); ok {
				w.bucket(v, key, where(id), depth)
			}
		} else if eflags != 0 {
			w.found.add("pages", "%s: element %d has flags %#x", where(id), i, eflags)
		}
	}
	if hi != nil && prev != nil && count > 0 && bytes.Compare(prev, hi) >= 0 {
		w.found.add("keys", "%s: last key (%x) belongs to a later page", where(id), short(prev))
	}
}

// bucket checks a bucket header (and its inline page, or its tree).
func (w *pageWalk) bucket(v, name []byte, where string, depth int) {
	w.buckets++
	if len(v) < bucketHeaderLen {
		w.found.add("pages", "%s: bucket %q has a %d-byte header", where, short(name), len(v))
		return
	}
	root := native.Uint64(v)
	if root != 0 {
		if len(v) != bucketHeaderLen {
			w.found.add("pages", "%s: bucket %q has %d bytes after its header", where, short(name), len(v)-bucketHeaderLen)
		}
		w.tree(root, nil, nil, depth+1, root)
		return
	}
	inline := v[bucketHeaderLen:]
	if len(inline) < pageHeaderSize {
		w.found.add("pages", "%s: inline bucket %q is %d bytes", where, short(name), len(inline))
		return
	}
	if f := native.Uint16(inline[8:]); f != flagLeaf {
		w.found.add("pages", "%s: inline bucket %q has page kind %#x", where, short(name), f)
		return
	}
	w.node(inline, 0, flagLeaf, nil, nil, depth+1, 0)
}

// short cuts a key for a message.
func short(b []byte) []byte {
	if len(b) > 24 {
		return b[:24]
	}
	return b
}
