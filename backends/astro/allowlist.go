package astro

import (
	"context"
	"iter"
	"net/url"
	"slices"
	"time"
)

// AllowedIPAddressRangesService calls the operations of the spec's
// AllowedIpAddressRange tag: the IP allowlist of an Organization.
type AllowedIPAddressRangesService service

// AllowedIPAddressRange is the spec's AllowedIpAddressRange: a CIDR range
// from which the Organization's API and UI may be used.
type AllowedIPAddressRange struct {
	CreatedAt      time.Time            `json:"createdAt"`
	CreatedBy      *BasicSubjectProfile `json:"createdBy,omitempty"`
	ID             string               `json:"id"`
	IPAddressRange string               `json:"ipAddressRange"`
	OrganizationID string               `json:"organizationId"`
	UpdatedAt      time.Time            `json:"updatedAt"`
	UpdatedBy      *BasicSubjectProfile `json:"updatedBy,omitempty"`
}

// CreateAllowedIPAddressRangeRequest is the body of
// CreateAllowedIpAddressRange.
type CreateAllowedIPAddressRangeRequest struct {
	// IPAddressRange is a CIDR, such as "203.0.113.0/24".
	IPAddressRange string `json:"ipAddressRange"`
}

// BulkCreateAllowedIPAddressRangesRequest is the body of
// BulkCreateAllowedIpAddressRanges: 1 to 1000 CIDRs, created all or none.
type BulkCreateAllowedIPAddressRangesRequest struct {
	AllowedIPAddressRanges []string `json:"allowedIpAddressRanges"`
}

// BulkDeleteAllowedIPAddressRangesRequest is the body of
// BulkDeleteAllowedIpAddressRanges: 1 to 1000 IDs; unknown IDs are ignored.
type BulkDeleteAllowedIPAddressRangesRequest struct {
	AllowedIPAddressRangeIDs []string `json:"allowedIpAddressRangeIds"`
}

// ListAllowedIPAddressRangesOptions are the query parameters of
// ListAllowedIpAddressRanges. Sorts take ipAddress, createdAt and updatedAt.
type ListAllowedIPAddressRangesOptions struct {
	ListOptions
}

// List lists an Organization's allowed IP address ranges.
//
// Astro API: GET /organizations/{organizationId}/allowed-ip-address-ranges (ListAllowedIpAddressRanges)
func (s *AllowedIPAddressRangesService) List(ctx context.Context, organizationID string, opts *ListAllowedIPAddressRangesOptions) ([]*AllowedIPAddressRange, *Response, error) {
	q := url.Values{}
	if opts != nil {
		opts.ListOptions.addTo(q)
	}
	return listAs[AllowedIPAddressRange](ctx, s.client, "allowedIpAddressRanges", q, "ListAllowedIpAddressRanges", organizationID)
}

// ListIter walks every page of List, starting at opts.Offset; it stops at
// the first error, which it yields. opts is copied and never modified.
//
// Astro API: GET /organizations/{organizationId}/allowed-ip-address-ranges (ListAllowedIpAddressRanges)
func (s *AllowedIPAddressRangesService) ListIter(ctx context.Context, organizationID string, opts *ListAllowedIPAddressRangesOptions) iter.Seq2[*AllowedIPAddressRange, error] {
	var o ListAllowedIPAddressRangesOptions
	if opts != nil {
		o = *opts
		o.Sorts = slices.Clone(opts.Sorts)
	}
	return iterFrom(o.ListOptions, func(lo ListOptions) *ListAllowedIPAddressRangesOptions {
		return &ListAllowedIPAddressRangesOptions{ListOptions: lo}
	}, func(o *ListAllowedIPAddressRangesOptions) ([]*AllowedIPAddressRange, *Response, error) {
		return s.List(ctx, organizationID, o)
	})
}

// Create adds one range to the allowlist.
//
// Astro API: POST /organizations/{organizationId}/allowed-ip-address-ranges (CreateAllowedIpAddressRange)
func (s *AllowedIPAddressRangesService) Create(ctx context.Context, organizationID string, body *CreateAllowedIPAddressRangeRequest) (*AllowedIPAddressRange, *Response, error) {
	return postAs[AllowedIPAddressRange](ctx, s.client, body, "CreateAllowedIpAddressRange", organizationID)
}

// BulkCreate adds up to 1000 ranges at once, all or none. It is not
// idempotent: a retry after a lost answer may get a 409 for ranges the
// first attempt created.
//
// Astro API: POST /organizations/{organizationId}/allowed-ip-address-ranges/bulk-create (BulkCreateAllowedIpAddressRanges)
func (s *AllowedIPAddressRangesService) BulkCreate(ctx context.Context, organizationID string, body *BulkCreateAllowedIPAddressRangesRequest) ([]*AllowedIPAddressRange, *Response, error) {
	list, resp, err := postAs[struct {
		AllowedIPAddressRanges []*AllowedIPAddressRange `json:"allowedIpAddressRanges"`
	}](ctx, s.client, body, "BulkCreateAllowedIpAddressRanges", organizationID)
	if err != nil {
		return nil, resp, err
	}
	return list.AllowedIPAddressRanges, resp, nil
}

// BulkDelete removes up to 1000 ranges at once; unknown IDs are ignored.
//
// Astro API: POST /organizations/{organizationId}/allowed-ip-address-ranges/bulk-delete (BulkDeleteAllowedIpAddressRanges)
func (s *AllowedIPAddressRangesService) BulkDelete(ctx context.Context, organizationID string, body *BulkDeleteAllowedIPAddressRangesRequest) (*Response, error) {
	return postNoContent(ctx, s.client, body, "BulkDeleteAllowedIpAddressRanges", organizationID)
}

// Delete removes one range. Deleting it again gives a 404.
//
// Astro API: DELETE /organizations/{organizationId}/allowed-ip-address-ranges/{allowedIpAddressRangeId} (DeleteAllowedIpAddressRange)
func (s *AllowedIPAddressRangesService) Delete(ctx context.Context, organizationID, allowedIPAddressRangeID string) (*Response, error) {
	return s.client.del(ctx, "DeleteAllowedIpAddressRange", organizationID, allowedIPAddressRangeID)
}
