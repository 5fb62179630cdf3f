package eval

import (
	"bytes"
	"cmp"
	"slices"

	"github.com/bfquery/bfquery/dsl"
)

// KeyStat describes one key of an Index.
type KeyStat struct {
	Key      dsl.Key
	Distinct int // distinct values
	Records  int // records with at least one value
}

// Keys lists every key of the index, sorted by name.
func (ix *Index) Keys() []KeyStat {
	out := make([]KeyStat, len(ix.keyRecs))
	for k := range out {
		out[k] = KeyStat{Key: dsl.Key(ix.keyName(k)), Distinct: int(ix.keyVal[k+1] - ix.keyVal[k]), Records: int(ix.keyRecs[k])}
	}
	slices.SortFunc(out, func(a, b KeyStat) int { return cmp.Compare(a.Key, b.Key) })
	return out
}

// ValueCount is one distinct value of a key and how many records hold it.
type ValueCount struct {
	Value dsl.Value
	Count int
}

// Values returns the distinct values of key, as /query/propertyValues
// does: strings first in byte order, then numbers by value (equal numbers
// written differently, like 30 and 30.0, are distinct values), then
// booleans. A key no record holds has no values. On an index read from a
// damaged index file it panics with its *IndexFileError: ValueCounts
// returns it.
func (ix *Index) Values(key dsl.Key) []ValueCount {
	vs, err := ix.ValueCounts(key)
	if err != nil {
		panic(err)
	}
	return vs
}

// ValueCounts is Values, with the error of a damaged index file.
func (ix *Index) ValueCounts(key dsl.Key) (_ []ValueCount, err error) {
	defer guard(&err)
	k := ix.key(string(key))
	if k == nil {
		return nil, nil
	}
	order := make([]uint32, k.len())
	// Numbers are parsed once, not at every comparison.
	nums := make([]float64, k.len())
	for i := range order {
		order[i] = uint32(i)
		if k.kinds[i] == byte(dsl.KindNumber) {
			nums[i], _ = parseNumber(k.text(uint32(i)))
		}
	}
	slices.SortFunc(order, func(a, b uint32) int {
		if c := cmp.Compare(k.kinds[a], k.kinds[b]); c != 0 {
			return c
		}
		if k.kinds[a] == byte(dsl.KindNumber) {
			if c := cmp.Compare(nums[a], nums[b]); c != 0 {
				return c
			}
		}
		return bytes.Compare(k.text(a), k.text(b))
	})
	out := make([]ValueCount, len(order))
	for i, v := range order {
		t := string(k.text(v))
		var val dsl.Value
		switch dsl.Kind(k.kinds[v]) {
		case dsl.KindString:
			val = dsl.String(t)
		case dsl.KindNumber:
			val = dsl.Number(t)
		default:
			val = dsl.Bool(t == "true")
		}
		out[i] = ValueCount{Value: val, Count: k.count(v)}
	}
	return out, nil
}
