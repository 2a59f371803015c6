package astrosim

import (
	"cmp"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Paging defaults and limits from the spec's list parameters.
const (
	defaultLimit = 20
	maxLimit     = 1000
	noMaxLimit   = -1 // ListDeployments declares no maximum
)

// listQuery is the validated offset, limit and sorts of a list call.
type listQuery struct {
	offset int
	limit  int
	sorts  []string // "<field>:asc" or "<field>:desc", in priority order
}

// parseList reads offset, limit and sorts. maxLim is the declared maximum of
// limit (noMaxLimit for none); fields are the sortable field names.
func parseList(q url.Values, maxLim int, fields ...string) (listQuery, *apiError) {
	lq := listQuery{limit: defaultLimit}
	var err *apiError
	if lq.offset, err = intParam(q, "offset", 0, 0, noMaxLimit); err != nil {
		return lq, err
	}
	if lq.limit, err = intParam(q, "limit", defaultLimit, 0, maxLim); err != nil {
		return lq, err
	}
	for _, s := range q["sorts"] {
		field, dir, _ := strings.Cut(s, ":")
		if !slices.Contains(fields, field) || (dir != "asc" && dir != "desc") {
			allowed := make([]string, 0, 2*len(fields))
			for _, f := range fields {
				allowed = append(allowed, f+":asc", f+":desc")
			}
			return lq, invalidParam("sorts", "oneof", "has an invalid value '%s'; allowed values are %s",
				s, strings.Join(allowed, ", "))
		}
		lq.sorts = append(lq.sorts, s)
	}
	return lq, nil
}

// intParam reads an optional integer query parameter within [lo, hi]
// (hi < 0: no maximum).
func intParam(q url.Values, name string, def, lo, hi int) (int, *apiError) {
	raw, ok := q[name]
	if !ok || len(raw) == 0 || raw[0] == "" {
		return def, nil
	}
	n, err := strconv.Atoi(raw[0])
	switch {
	case err != nil:
		return 0, invalidParam(name, "integer", "must be an integer, got '%s'", raw[0])
	case n < lo:
		return 0, invalidParam(name, "min", "must be greater than or equal to %d, got %d", lo, n)
	case hi >= 0 && n > hi:
		return 0, invalidParam(name, "max", "must be less than or equal to %d, got %d", hi, n)
	}
	return n, nil
}

// enumParam reads an optional single-valued query parameter restricted to
// allowed values; "" means absent.
func enumParam(q url.Values, name string, allowed ...string) (string, *apiError) {
	v := q.Get(name)
	if v == "" || slices.Contains(allowed, v) {
		return v, nil
	}
	return "", invalidParam(name, "oneof", "has an invalid value '%s'; allowed values are %s",
		v, strings.Join(allowed, ", "))
}

// boolParam validates an optional boolean query parameter.
func boolParam(q url.Values, name string) (bool, *apiError) {
	v := q.Get(name)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, invalidParam(name, "boolean", "must be true or false, got '%s'", v)
	}
	return b, nil
}

// idSet turns a repeated query parameter into a set; nil when absent, so
// that an absent filter and an empty one differ.
func idSet(q url.Values, name string) map[string]bool {
	vals, ok := q[name]
	if !ok {
		return nil
	}
	set := make(map[string]bool, len(vals))
	for _, v := range vals {
		set[v] = true
	}
	return set
}

// listed is what every listed resource offers for sorting.
type listed interface {
	sortKeys() (id, name, createdAt, updatedAt string)
}

// sortList orders items by the requested sorts, then by creation time and
// id, so that every order is total and paging is stable. Timestamps are
// RFC 3339 UTC strings of one layout, so they sort as strings.
func sortList[T listed](items []T, sorts []string) {
	slices.SortFunc(items, func(a, b T) int {
		aID, aName, aCreated, aUpdated := a.sortKeys()
		bID, bName, bCreated, bUpdated := b.sortKeys()
		for _, s := range sorts {
			field, dir, _ := strings.Cut(s, ":")
			var c int
			switch field {
			case "name":
				c = cmp.Compare(aName, bName)
			case "createdAt":
				c = cmp.Compare(aCreated, bCreated)
			case "updatedAt":
				c = cmp.Compare(aUpdated, bUpdated)
			}
			if dir == "desc" {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return cmp.Or(cmp.Compare(aCreated, bCreated), cmp.Compare(aID, bID))
	})
}

// page returns the items of one page; it never returns nil, so an empty
// page encodes as [].
func page[T any](items []T, lq listQuery) []T {
	lo := min(lq.offset, len(items))
	hi := lo + min(lq.limit, len(items)-lo) // no overflow: limit may be huge
	return append(make([]T, 0, hi-lo), items[lo:hi]...)
}

// sortable is what the lists of the IAM, deploy and environment resources
// offer for sorting: the value of any sortable field, as a string that
// orders like the field (timestamps are RFC 3339 UTC of one layout).
// "id" and "createdAt" are always among the fields.
type sortable interface {
	sortKey(field string) string
}

// sortItems orders items by the requested sorts, then by creation time and
// id, so that every order is total and paging is stable.
func sortItems[T sortable](items []T, sorts []string) {
	slices.SortFunc(items, func(a, b T) int {
		for _, s := range sorts {
			field, dir, _ := strings.Cut(s, ":")
			c := cmp.Compare(a.sortKey(field), b.sortKey(field))
			if dir == "desc" {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return cmp.Or(cmp.Compare(a.sortKey("createdAt"), b.sortKey("createdAt")), cmp.Compare(a.sortKey("id"), b.sortKey("id")))
	})
}

// pageOf is a …Paginated wrapper: one page of items under key, with the
// paging counters.
func pageOf[T any](key string, items []T, lq listQuery) map[string]any {
	return map[string]any{
		"limit": lq.limit, "offset": lq.offset, "totalCount": len(items), key: page(items, lq),
	}
}
