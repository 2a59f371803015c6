package astro

import (
	"iter"
	"net/url"
	"strconv"
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
