package astrosim

import (
	"net/http"
	"net/netip"
)

// ipRange is the spec's AllowedIpAddressRange.
type ipRange struct {
	CreatedAt      string   `json:"createdAt"`
	CreatedBy      *subject `json:"createdBy,omitempty"`
	ID             string   `json:"id"`
	IPAddressRange string   `json:"ipAddressRange"`
	OrganizationID string   `json:"organizationId"`
	UpdatedAt      string   `json:"updatedAt"`
	UpdatedBy      *subject `json:"updatedBy,omitempty"`
}

func (r *ipRange) sortKey(field string) string {
	switch field {
	case "id":
		return r.ID
	case "ipAddress":
		return r.IPAddressRange
	case "createdAt":
		return r.CreatedAt
	case "updatedAt":
		return r.UpdatedAt
	}
	return ""
}

// listAllowedRanges serves ListAllowedIpAddressRanges.
func (s *Sim) listAllowedRanges(c *call) {
	lq, err := parseList(c.r.URL.Query(), noMaxLimit, "ipAddress", "createdAt", "updatedAt")
	if err != nil {
		c.fail(err)
		return
	}
	s.mu.RLock()
	org, err := s.orgAdmin(c.p, c.r.PathValue("organizationId"), "organization.allowedIpAddressRanges.get")
	var list []*ipRange
	if err == nil {
		for _, r := range s.data.ipRanges {
			if r.OrganizationID == org.ID {
				list = append(list, r)
			}
		}
	}
	s.mu.RUnlock()
	if err != nil {
		c.fail(err)
		return
	}
	sortItems(list, lq.sorts)
	c.json(http.StatusOK, pageOf("allowedIpAddressRanges", list, lq))
}

// canonicalCIDR parses a CIDR and returns it in canonical form (the
// network address, as the API stores it).
func canonicalCIDR(v string) (string, bool) {
	p, err := netip.ParsePrefix(v)
	if err != nil {
		return "", false
	}
	return p.Masked().String(), true
}

// addRanges stores new ranges and keeps the organization's
// hasAllowedIpAddressRanges current. Callers hold s.mu for writing.
func (s *Sim) addRanges(c *call, org *organization, cidrs []string) []*ipRange {
	out := make([]*ipRange, 0, len(cidrs))
	by := c.p.subject
	for _, cidr := range cidrs {
		r := &ipRange{
			ID: s.ids.id(c.now), IPAddressRange: cidr, OrganizationID: org.ID,
			CreatedAt: stamp(c.now), CreatedBy: &by, UpdatedAt: stamp(c.now), UpdatedBy: &by,
		}
		s.data.ipRanges[r.ID] = r
		out = append(out, r)
	}
	s.syncAllowlistFlag(org.ID)
	return out
}

// syncAllowlistFlag sets Organization.hasAllowedIpAddressRanges. Callers
// hold s.mu for writing.
func (s *Sim) syncAllowlistFlag(orgID string) {
	has := false
	for _, r := range s.data.ipRanges {
		if r.OrganizationID == orgID {
			has = true
			break
		}
	}
	if o := s.data.orgs[orgID]; o.HasAllowedIPAddressRanges != has {
		no := *o
		no.HasAllowedIPAddressRanges = has
		s.data.orgs[orgID] = &no
	}
}

// existingRanges returns the organization's CIDRs. Callers hold s.mu.
func (s *Sim) existingRanges(orgID string) map[string]bool {
	out := map[string]bool{}
	for _, r := range s.data.ipRanges {
		if r.OrganizationID == orgID {
			out[r.IPAddressRange] = true
		}
	}
	return out
}

// createAllowedRange serves CreateAllowedIpAddressRange. A range the
// organization already has is a 400: this operation declares no 409.
func (s *Sim) createAllowedRange(c *call) {
	var b struct {
		IPAddressRange *string `json:"ipAddressRange"`
	}
	if err := c.decode(&b); err != nil {
		c.fail(err)
		return
	}
	var k checker
	cidr := ""
	if k.required("ipAddressRange", b.IPAddressRange != nil) {
		var ok bool
		if cidr, ok = canonicalCIDR(*b.IPAddressRange); !ok {
			k.fail("ipAddressRange", "cidr", "must be a CIDR such as 203.0.113.0/24, not '%s'", *b.IPAddressRange)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	org, err := s.orgAdmin(c.p, c.r.PathValue("organizationId"), "organization.allowedIpAddressRanges.create")
	if err == nil {
		err = k.err()
	}
	if err == nil && s.existingRanges(org.ID)[cidr] {
		err = badRequest("the allowed IP address range '%s' already exists in the Organization", cidr)
	}
	if err != nil {
		c.fail(err)
		return
	}
	r := s.addRanges(c, org, []string{cidr})[0]
	s.record(c, org.ID, "allowedIpAddressRange.create", "ALLOWED_IP_ADDRESS_RANGE", r.ID)
	c.json(http.StatusOK, r)
}

// bulkCreateAllowedRanges serves BulkCreateAllowedIpAddressRanges: all or
// nothing; a range that exists, or appears twice, is a 409.
func (s *Sim) bulkCreateAllowedRanges(c *call) {
	var b struct {
		AllowedIPAddressRanges *[]string `json:"allowedIpAddressRanges"`
	}
	if err := c.decode(&b); err != nil {
		c.fail(err)
		return
	}
	var k checker
	var cidrs []string
	if k.required("allowedIpAddressRanges", b.AllowedIPAddressRanges != nil) {
		k.items("allowedIpAddressRanges", len(*b.AllowedIPAddressRanges), 1, 1000)
		for i, v := range *b.AllowedIPAddressRanges {
			cidr, ok := canonicalCIDR(v)
			if !ok {
				k.fail(fieldAt("allowedIpAddressRanges", i), "cidr", "must be a CIDR such as 203.0.113.0/24, not '%s'", v)
			}
			cidrs = append(cidrs, cidr)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	org, err := s.orgAdmin(c.p, c.r.PathValue("organizationId"), "organization.allowedIpAddressRanges.create")
	if err == nil {
		err = k.err()
	}
	if err != nil {
		c.fail(err)
		return
	}
	seen := s.existingRanges(org.ID)
	for _, cidr := range cidrs {
		if seen[cidr] {
			c.fail(errorf(http.StatusConflict, "Conflict: the allowed IP address range '%s' already exists or is listed twice; nothing was created", cidr))
			return
		}
		seen[cidr] = true
	}
	created := s.addRanges(c, org, cidrs)
	s.record(c, org.ID, "allowedIpAddressRange.bulkCreate", "ORGANIZATION", org.ID)
	c.json(http.StatusOK, map[string]any{"allowedIpAddressRanges": created})
}

// bulkDeleteAllowedRanges serves BulkDeleteAllowedIpAddressRanges: unknown
// and duplicate ids are ignored.
func (s *Sim) bulkDeleteAllowedRanges(c *call) {
	var b struct {
		IDs *[]string `json:"allowedIpAddressRangeIds"`
	}
	if err := c.decode(&b); err != nil {
		c.fail(err)
		return
	}
	var k checker
	if k.required("allowedIpAddressRangeIds", b.IDs != nil) {
		k.items("allowedIpAddressRangeIds", len(*b.IDs), 1, 1000)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	org, err := s.orgAdmin(c.p, c.r.PathValue("organizationId"), "organization.allowedIpAddressRanges.delete")
	if err == nil {
		err = k.err()
	}
	if err != nil {
		c.fail(err)
		return
	}
	for _, id := range *b.IDs {
		if r, ok := s.data.ipRanges[id]; ok && r.OrganizationID == org.ID {
			delete(s.data.ipRanges, id)
		}
	}
	s.syncAllowlistFlag(org.ID)
	s.record(c, org.ID, "allowedIpAddressRange.bulkDelete", "ORGANIZATION", org.ID)
	c.w.WriteHeader(http.StatusNoContent)
}

// deleteAllowedRange serves DeleteAllowedIpAddressRange.
func (s *Sim) deleteAllowedRange(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	org, err := s.orgAdmin(c.p, c.r.PathValue("organizationId"), "organization.allowedIpAddressRanges.delete")
	if err != nil {
		c.fail(err)
		return
	}
	id := c.r.PathValue("allowedIpAddressRangeId")
	if r, ok := s.data.ipRanges[id]; !ok || r.OrganizationID != org.ID {
		c.fail(notFound("Allowed IP address range", id))
		return
	}
	delete(s.data.ipRanges, id)
	s.syncAllowlistFlag(org.ID)
	s.record(c, org.ID, "allowedIpAddressRange.delete", "ALLOWED_IP_ADDRESS_RANGE", id)
	c.w.WriteHeader(http.StatusNoContent)
}
