package astro

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/url"
	"strconv"
	"time"

	"github.com/astro-gateway/gateway/internal/jsonx"
)

// ListOptions are the paging and sorting parameters that every list
// operation of the API takes.
type ListOptions struct {
	// Offset is the number of items to skip. Zero is omitted from the query,
	// which is the server's default.
	Offset int
	// Limit is the page size. Zero is omitted, which gives the server's
	// default of 20. The maximum is 1000 on most lists; ListDeployments
	// declares none.
	Limit int
	// Sorts are "<field>:asc" or "<field>:desc" values, sent as repeated
	// sorts keys. Which fields may be sorted on differs per list.
	Sorts []string
}

func (o ListOptions) addTo(q url.Values) {
	if o.Offset != 0 {
		q.Set("offset", strconv.Itoa(o.Offset))
	}
	if o.Limit != 0 {
		q.Set("limit", strconv.Itoa(o.Limit))
	}
	addAll(q, "sorts", o.Sorts)
}

// addAll adds vs under key as repeated keys (style form, explode true), the
// encoding the API expects for array parameters.
func addAll(q url.Values, key string, vs []string) {
	for _, v := range vs {
		q.Add(key, v)
	}
}

func addString(q url.Values, key, v string) {
	if v != "" {
		q.Set(key, v)
	}
}

// addBool sets key=true for a true v; false is the API's default and is
// omitted.
func addBool(q url.Values, key string, v bool) {
	if v {
		q.Set(key, "true")
	}
}

func addInt(q url.Values, key string, v int) {
	if v != 0 {
		q.Set(key, strconv.Itoa(v))
	}
}

func addTime(q url.Values, key string, v *time.Time) {
	if v != nil {
		q.Set(key, v.UTC().Format(time.RFC3339))
	}
}

// strs converts a slice of a string type to []string.
func strs[S ~string](vs []S) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// pageInfo is the paging part shared by every …Paginated wrapper of the
// spec. Embedded in a page struct, its fields decode beside the item array.
type pageInfo struct {
	Limit      int `json:"limit"`
	Offset     int `json:"offset"`
	TotalCount int `json:"totalCount"`
}

// iterate walks a paginated list from start, calling page for each page and
// yielding its items, then an error if a page fails. Like go-github's
// generated iterators it moves Offset on by the number of items received,
// and it stops on an empty page, on a page shorter than the page size, or
// once Offset reaches the reported TotalCount. Each range over the result
// starts again from start.
func iterate[T any](start ListOptions, page func(ListOptions) ([]*T, *Response, error)) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) {
		lo := start
		for {
			items, resp, err := page(lo)
			if err != nil {
				yield(nil, err)
				return
			}
			for _, item := range items {
				if !yield(item, nil) {
					return
				}
			}
			lo.Offset += len(items)
			// The server echoes the page size it used; it is the better
			// measure of a short page when it capped or defaulted ours.
			size := resp.Limit
			if size <= 0 {
				size = lo.Limit
			}
			if len(items) == 0 || (size > 0 && len(items) < size) || lo.Offset >= resp.TotalCount {
				return
			}
		}
	}
}

// listAs GETs one page of a paginated list whose items sit under key (the
// array property of the spec's …Paginated wrapper) and copies the paging
// counters into the Response.
func listAs[T any](ctx context.Context, c *Client, key string, query url.Values, id string, ids ...string) ([]*T, *Response, error) {
	var raw map[string]json.RawMessage
	resp, err := c.getItem(ctx, &raw, query, id, ids...)
	if err != nil {
		return nil, resp, err
	}
	var page pageInfo
	items := []*T{}
	for k, dst := range map[string]any{"limit": &page.Limit, "offset": &page.Offset, "totalCount": &page.TotalCount, key: &items} {
		if v, ok := raw[k]; ok {
			if err := jsonx.Unmarshal(v, dst); err != nil {
				return nil, resp, fmt.Errorf("astro: %s: decoding %s: %w", id, k, err)
			}
		}
	}
	resp.setPage(page)
	return items, resp, nil
}

// iterFrom is iterate for list options that are not a ListOptions: start
// gives the first page's ListOptions and with makes the options of a page.
func iterFrom[T, O any](start ListOptions, with func(ListOptions) O, list func(O) ([]*T, *Response, error)) iter.Seq2[*T, error] {
	return iterate(start, func(lo ListOptions) ([]*T, *Response, error) { return list(with(lo)) })
}
