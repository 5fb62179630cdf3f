package bimface_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/bimface"
)

// TestSharesListReadsEveryPage checks List against the shapes a server
// may answer GET /shares with: the paged {"list", "page"} of the current
// reference, with or without its page information, and a bare array.
func TestSharesListReadsEveryPage(t *testing.T) {
	links := func(from, to int) string {
		var b []string
		for i := from; i < to; i++ {
			b = append(b, fmt.Sprintf(`{"sourceId":%d,"url":"u%d"}`, i, i))
		}
		return "[" + strings.Join(b, ",") + "]"
	}
	tests := []struct {
		name      string
		total     int
		page      func(no, size, total int) string
		wantCalls int
	}{
		{"page information", 250, func(no, size, total int) string {
			from := (no - 1) * size
			return fmt.Sprintf(`{"list":%s,"page":{"pageNo":%d,"pageSize":%d,"totalCount":%d,"totalPages":%d}}`,
				links(from, min(total, from+size)), no, size, total, (total+size-1)/size)
		}, 3},
		{"an exact multiple ends on an empty page", 200, func(no, size, total int) string {
			from := min(total, (no-1)*size)
			return fmt.Sprintf(`{"list":%s}`, links(from, min(total, from+size)))
		}, 3},
		{"a bare array is the whole list", 130, func(no, size, total int) string { return links(0, total) }, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			calls := 0
			f.mux.HandleFunc("GET /shares", func(w http.ResponseWriter, r *http.Request) {
				calls++
				no, _ := strconv.Atoi(r.URL.Query().Get("pageNo"))
				size, _ := strconv.Atoi(r.URL.Query().Get("pageSize"))
				writeRaw(w, tc.page(no, size, tc.total))
			})
			got, err := f.client().Shares.List(context.Background())
			require.NoError(t, err)
			require.Len(t, got, tc.total)
			for i, l := range got {
				require.Equal(t, int64(i), l.SourceID)
			}
			require.Equal(t, tc.wantCalls, calls)
		})
	}
}

// TestCompareSendsEntityType checks that comparedEntityType is always
// sent, "file" unless set.
func TestCompareSendsEntityType(t *testing.T) {
	f := newFixture(t)
	var bodies []string
	f.mux.HandleFunc("POST /v2/compare", func(w http.ResponseWriter, r *http.Request) {
		bodies = append(bodies, readBody(t, r))
		writeRaw(w, `{"compareId":1,"status":"processing"}`)
	})
	c := f.client()
	_, err := c.Compare.Start(context.Background(), &bimface.CompareRequest{PreviousID: 1, FollowingID: 2})
	require.NoError(t, err)
	_, err = c.Compare.Start(context.Background(), &bimface.CompareRequest{PreviousID: 1, FollowingID: 2, ComparedEntityType: "integration"})
	require.NoError(t, err)
	require.Equal(t, []string{
		`{"previousId":1,"followingId":2,"comparedEntityType":"file"}`,
		`{"previousId":1,"followingId":2,"comparedEntityType":"integration"}`,
	}, bodies)
}

// TestIntegrateConfigIsAnObject checks that an integration's config goes
// as the object the current reference documents.
func TestIntegrateConfigIsAnObject(t *testing.T) {
	b, err := json.Marshal(bimface.IntegrateRequest{Sources: []bimface.IntegrateSource{}, Config: map[string]any{"texture": true}})
	require.NoError(t, err)
	require.JSONEq(t, `{"sources":[],"config":{"texture":true}}`, string(b))
}
