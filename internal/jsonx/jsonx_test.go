package jsonx

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

type item struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
	Plain string
}

type page struct {
	Items []*item `json:"items"`
	info
}

type info struct {
	TotalCount int `json:"totalCount"`
}

// heldBody is a body that holds its bytes, like a cached answer.
type heldBody struct {
	*bytes.Reader
	b []byte
}

func (h heldBody) Bytes() []byte { return h.b }

func TestDecodesLikeEncodingJSON(t *testing.T) {
	var p page
	body := `{"items":[{"name":"a","count":2,"plain":"x","extra":{"deep":[1,2]}},{"Name":"b"}],"totalCount":7}`
	if err := Read(strings.NewReader(body), 1<<20, &p); err != nil {
		t.Fatal(err)
	}
	if len(p.Items) != 2 || p.Items[0].Name != "a" || p.Items[0].Count != 2 || p.Items[0].Plain != "x" || p.Items[1].Name != "b" || p.TotalCount != 7 {
		t.Fatalf("decoded %+v %+v", p, p.Items)
	}
}

func TestLenientWhereUpstreamsDiffer(t *testing.T) {
	var it item
	if err := Unmarshal([]byte("{\"name\":\"a\",\"name\":\"b\xff\"}"), &it); err != nil {
		t.Fatal(err)
	}
	if it.Name != "b\ufffd" {
		t.Fatalf("name %q", it.Name)
	}
}

func TestEmptyAndOversizedBodies(t *testing.T) {
	it := item{Name: "kept"}
	if err := Read(strings.NewReader(" \n"), 10, &it); err != nil || it.Name != "kept" {
		t.Fatalf("empty body: %v %+v", err, it)
	}
	err := Read(strings.NewReader(`{"name":"abcdefghijk"}`), 10, &it)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("oversized body: %v", err)
	}
	if err := Read(strings.NewReader(`{"name":`), 100, &it); err == nil {
		t.Fatal("truncated body decoded without error")
	}
}

func TestHeldBodyIsNotCopied(t *testing.T) {
	b := []byte(`{"name":"held"}`)
	got, err := ReadAll(heldBody{bytes.NewReader(b), b}, 100)
	if err != nil || &got[0] != &b[0] {
		t.Fatalf("ReadAll copied or failed: %v", err)
	}
	var it item
	if err := Read(heldBody{bytes.NewReader(b), b}, 100, &it); err != nil || it.Name != "held" {
		t.Fatalf("%v %+v", err, it)
	}
}
