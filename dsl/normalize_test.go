package dsl_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/dsl"
)

func TestNormalize(t *testing.T) {
	a, b, c := dsl.Match("a", 1), dsl.Match("b", "x"), dsl.Contain("c", "y")
	for _, tc := range []struct {
		name string
		in   dsl.Query
		want string
	}{
		{"leaf", a, `{"match":{"a":1}}`},
		{"flatten and", dsl.And(a, dsl.And(b, dsl.And(c))), `{"boolAnd":[{"contain":{"c":"y"}},{"match":{"a":1}},{"match":{"b":"x"}}]}`},
		{"flatten or", dsl.Or(dsl.Or(c, b), c), `{"boolOr":[{"contain":{"c":"y"}},{"match":{"b":"x"}}]}`},
		{"object is and", dsl.Object(b, a, dsl.And(c)), `{"boolAnd":[{"contain":{"c":"y"}},{"match":{"a":1}},{"match":{"b":"x"}}]}`},
		{"single member", dsl.And(dsl.Or(a)), `{"match":{"a":1}}`},
		{"duplicates", dsl.And(a, a, dsl.Match("a", dsl.Number("1.0"))), `{"match":{"a":1}}`},
		{"numbers in match", dsl.Match("a", dsl.Number("3e1")), `{"match":{"a":30}}`},
		{"contain keeps literal", dsl.Contain("a", dsl.Number("3000.0")), `{"contain":{"a":3000.0}}`},
		{"in sorted", dsl.In("f", "F3", "F1", "F3", 2, true), `{"in":{"f":["F1","F3",2,true]}}`},
		{"in of one", dsl.In("f", "F1", "F1"), `{"match":{"f":"F1"}}`},
		{"or of matches", dsl.Or(dsl.Match("f", "F2"), c, dsl.Match("f", "F1"), dsl.In("f", "F3")), `{"boolOr":[{"contain":{"c":"y"}},{"in":{"f":["F1","F2","F3"]}}]}`},
		{"and keeps matches", dsl.And(dsl.Match("f", "F2"), dsl.Match("f", "F1")), `{"boolAnd":[{"match":{"f":"F1"}},{"match":{"f":"F2"}}]}`},
		{"string and number differ", dsl.Or(dsl.Match("a", "30"), dsl.Match("a", 30)), `{"in":{"a":["30",30]}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := dsl.MarshalQuery(dsl.NormalizeQuery(tc.in))
			require.NoError(t, err)
			require.Equal(t, tc.want, string(got))
			// Normalizing is idempotent and keeps the meaning.
			twice, err := dsl.MarshalQuery(dsl.NormalizeQuery(dsl.NormalizeQuery(tc.in)))
			require.NoError(t, err)
			require.Equal(t, tc.want, string(twice))
			require.True(t, dsl.EquivalentQuery(tc.in, dsl.NormalizeQuery(tc.in)))
		})
	}
}

func TestEquivalent(t *testing.T) {
	doc := []byte(`{"targetType":"file","targetIds":["2","1"],"query":{"contain":{"floor":"B01","familyType":"标准"},"match":{"family":"f"},"boolOr":[{"match":{"p":"a"}},{"boolAnd":[{"match":{"p":"b"}},{"match":{"price":30}}]}]}}`)
	same := []byte(`{"targetType":"file","targetIds":[1,2,2],"query":{"boolAnd":[
		{"boolOr":[{"boolAnd":[{"match":{"price":30.0}},{"match":{"p":"b"}}]},{"match":{"p":"a"}}]},
		{"boolAnd":[{"match":{"family":"f"}},{"contain":{"familyType":"标准"}}]},
		{"contain":{"floor":"B01"}}]}}`)
	diff, err := dsl.DiffJSON(doc, same)
	require.NoError(t, err)
	require.Empty(t, diff)

	for _, tc := range []struct {
		name  string
		other string
		want  string
	}{
		{"other target type", `{"targetType":"integration","targetIds":["1","2"],"query":{"match":{"p":"a"}}}`, `TargetType: "file"`},
		{"other ids", `{"targetType":"file","targetIds":["1"],"query":{"match":{"p":"a"}}}`, `"2"`},
		{"contain literal", `{"targetType":"file","targetIds":["1","2"],"query":{"contain":{"price":30.0}}}`, `Value: "30.0"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			diff, err := dsl.DiffJSON(doc, []byte(tc.other))
			require.NoError(t, err)
			require.Contains(t, diff, tc.want)
		})
	}

	_, err = dsl.DiffJSON(doc, []byte(`{}`))
	require.EqualError(t, err, `targetType: missing; must be "file" or "integration"`)
}

// TestNormalizeNumbers: match compares numbers as float64, so -0 is 0; a
// literal beyond float64 keeps its text, and the normal form still
// marshals.
func TestNormalizeNumbers(t *testing.T) {
	equivalent := func(a, b string) bool {
		t.Helper()
		diff, err := dsl.DiffJSON([]byte(`{"targetType":"file","targetIds":["1"],"query":`+a+`}`), []byte(`{"targetType":"file","targetIds":["1"],"query":`+b+`}`))
		require.NoError(t, err)
		return diff == ""
	}
	require.True(t, equivalent(`{"match":{"a":0}}`, `{"match":{"a":-0}}`))
	require.True(t, equivalent(`{"in":{"a":[0,-0.0,1]}}`, `{"in":{"a":[1,0]}}`))
	require.True(t, equivalent(`{"match":{"a":1e999}}`, `{"match":{"a":1e999}}`))
	require.False(t, equivalent(`{"match":{"a":1e999}}`, `{"match":{"a":2e999}}`))
	r, err := dsl.Unmarshal([]byte(`{"targetType":"file","targetIds":["1"],"query":{"in":{"a":[1e999,-0]}}}`))
	require.NoError(t, err)
	b, err := dsl.Normalize(r).MarshalJSON()
	require.NoError(t, err)
	require.Equal(t, `{"targetType":"file","targetIds":["1"],"query":{"in":{"a":[0,1e999]}}}`, string(b))
}

func TestDiffReadable(t *testing.T) {
	a := dsl.File("1").Where(dsl.Or(dsl.Match(dsl.Floor, "F1"), dsl.Contain(dsl.Name, "墙")))
	b := dsl.File("1").Where(dsl.Or(dsl.Match(dsl.Floor, "F2"), dsl.Contain(dsl.Name, "墙")))
	require.False(t, dsl.Equivalent(a, b))
	require.Contains(t, dsl.Diff(a, b), `-`)
	require.Contains(t, dsl.Diff(a, b), `Value: "'F1'"`)
	require.Contains(t, dsl.Diff(a, b), `Value: "'F2'"`)
}

// TestRepeatedTargets: a target named twice counts once, from the builder
// and from JSON, so that its IDs are not answered twice.
func TestRepeatedTargets(t *testing.T) {
	require.Equal(t, []string{"2", "1"}, dsl.File("2", "1", "2", "1").TargetIDs())
	r, err := dsl.Unmarshal([]byte(`{"targetType":"file","targetIds":[1,"1",2],"query":{"match":{"a":1}}}`))
	require.NoError(t, err)
	require.Equal(t, []string{"1", "2"}, r.TargetIDs())
	require.Equal(t, `{"targetType":"file","targetIds":["1","2"],"query":{"match":{"a":1}}}`, string(r.MustJSON()))
}
