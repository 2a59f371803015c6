package astrosim

import (
	"encoding/json"
	"net/http"
	"slices"
	"time"
)

// organization is the spec's Organization schema.
type organization struct {
	AllowEnhancedSupportAccess     bool            `json:"allowEnhancedSupportAccess"`
	BillingEmail                   string          `json:"billingEmail,omitempty"`
	CreatedAt                      string          `json:"createdAt"`
	CreatedBy                      subject         `json:"createdBy"`
	HasAIFeaturesDisabled          *bool           `json:"hasAiFeaturesDisabled,omitempty"`
	HasAllowedIPAddressRanges      bool            `json:"hasAllowedIpAddressRanges"`
	ID                             string          `json:"id"`
	IsBlockedEnableAIFeatures      bool            `json:"isBlockedEnableAiFeatures"`
	IsScimEnabled                  bool            `json:"isScimEnabled"`
	ManagedDomains                 []managedDomain `json:"managedDomains,omitempty"`
	Name                           string          `json:"name"`
	PaymentMethod                  string          `json:"paymentMethod,omitempty"`
	Product                        string          `json:"product,omitempty"`
	ProductPlans                   []productPlan   `json:"productPlans"`
	ShouldEnforceDedicatedClusters bool            `json:"shouldEnforceDedicatedClusters"`
	Status                         string          `json:"status,omitempty"`
	UpdatedAt                      string          `json:"updatedAt"`
	UpdatedBy                      subject         `json:"updatedBy"`
}

// managedDomain is the spec's ManagedDomain schema.
type managedDomain struct {
	CreatedAt      string   `json:"createdAt"`
	EnforcedLogins []string `json:"enforcedLogins,omitempty"`
	ID             string   `json:"id"`
	Name           string   `json:"name"`
	OrganizationID string   `json:"organizationId"`
	Status         string   `json:"status"`
	UpdatedAt      string   `json:"updatedAt"`
}

// productPlan is the spec's OrganizationProductPlan schema.
type productPlan struct {
	AstronomerProduct string `json:"astronomerProduct"`
	OrganizationID    string `json:"organizationId"`
	ProductPlanID     string `json:"productPlanId"`
	ProductPlanName   string `json:"productPlanName"`
}

func (o *organization) sortKeys() (string, string, string, string) {
	return o.ID, o.Name, o.CreatedAt, o.UpdatedAt
}

// organizationsPage is the spec's OrganizationsPaginated schema.
type organizationsPage struct {
	Limit         int             `json:"limit"`
	Offset        int             `json:"offset"`
	Organizations []*organization `json:"organizations"`
	TotalCount    int             `json:"totalCount"`
}

// listOrganizations serves ListOrganizations: the organizations the token
// sees. The spec describes it for personal access tokens, but the real API
// answers API tokens too, with their own organization — the Astro CLI
// (cmd/cloud/setup.go) lists organizations with an API token and takes
// the first.
func (s *Sim) listOrganizations(c *call) {
	q := c.r.URL.Query()
	plan, err := enumParam(q, "productPlan", "TRIAL", "BASIC", "STANDARD", "PREMIUM", "BUSINESS_CRITICAL")
	if err != nil {
		c.fail(err)
		return
	}
	if _, err = enumParam(q, "astronomerProduct", "ASTRO"); err != nil {
		c.fail(err)
		return
	}
	product, err := enumParam(q, "product", "HOSTED", "HYBRID")
	if err != nil {
		c.fail(err)
		return
	}
	lq, err := parseList(q, maxLimit, "name", "createdAt", "updatedAt")
	if err != nil {
		c.fail(err)
		return
	}

	s.mu.RLock()
	var orgs []*organization
	for _, o := range s.data.orgs {
		if !c.p.seesOrg(o.ID) || (product != "" && o.Product != product) {
			continue
		}
		if plan != "" && !slices.ContainsFunc(o.ProductPlans, func(p productPlan) bool { return p.ProductPlanName == plan }) {
			continue
		}
		orgs = append(orgs, o)
	}
	s.mu.RUnlock()

	sortList(orgs, lq.sorts)
	c.json(http.StatusOK, organizationsPage{
		Limit: lq.limit, Offset: lq.offset, TotalCount: len(orgs), Organizations: page(orgs, lq),
	})
}

// getOrganization serves GetOrganization. isLookUpOnly is validated and
// otherwise ignored: the simulator keeps only Organization metadata anyway.
func (s *Sim) getOrganization(c *call) {
	if _, err := boolParam(c.r.URL.Query(), "isLookUpOnly"); err != nil {
		c.fail(err)
		return
	}
	s.mu.RLock()
	o, err := s.visibleOrg(c.p, c.r.PathValue("organizationId"))
	s.mu.RUnlock()
	if err != nil {
		c.fail(err)
		return
	}
	c.json(http.StatusOK, o)
}

// visibleOrg returns the organization if the token may use it. An
// organization the token does not belong to is a 403 whether it exists or
// not: the API never tells a token which other organizations exist, and the
// list routes declare no 404. Callers hold s.mu.
func (s *Sim) visibleOrg(p *principal, id string) (*organization, *apiError) {
	if !p.seesOrg(id) {
		return nil, forbidden("the API token has no access to Organization '%s'", id)
	}
	o, ok := s.data.orgs[id]
	if !ok {
		return nil, notFound("Organization", id)
	}
	return o, nil
}

// updateOrganization serves UpdateOrganization: name, billingEmail and
// isScimEnabled are required; the optional flags keep their value when
// absent.
func (s *Sim) updateOrganization(c *call) {
	var b struct {
		Name                           *string `json:"name"`
		BillingEmail                   *string `json:"billingEmail"`
		IsScimEnabled                  *bool   `json:"isScimEnabled"`
		AllowEnhancedSupportAccess     *bool   `json:"allowEnhancedSupportAccess"`
		HasAIFeaturesDisabled          *bool   `json:"hasAiFeaturesDisabled"`
		ShouldEnforceDedicatedClusters *bool   `json:"shouldEnforceDedicatedClusters"`
	}
	if err := c.decode(&b); err != nil {
		c.fail(err)
		return
	}
	var k checker
	k.requiredText("name", b.Name, 50)
	if k.required("billingEmail", b.BillingEmail != nil) && !validEmail(*b.BillingEmail) {
		k.fail("billingEmail", "email", "must be an e-mail address, not '%s'", *b.BillingEmail)
	}
	k.required("isScimEnabled", b.IsScimEnabled != nil)
	s.mu.Lock()
	defer s.mu.Unlock()
	o, err := s.orgAdmin(c.p, c.r.PathValue("organizationId"), "organization.settings.update")
	if err == nil {
		err = k.err()
	}
	if err != nil {
		c.fail(err)
		return
	}
	no := *o
	no.Name, no.BillingEmail, no.IsScimEnabled = *b.Name, *b.BillingEmail, *b.IsScimEnabled
	if b.AllowEnhancedSupportAccess != nil {
		no.AllowEnhancedSupportAccess = *b.AllowEnhancedSupportAccess
	}
	if b.HasAIFeaturesDisabled != nil {
		no.HasAIFeaturesDisabled = ptr(*b.HasAIFeaturesDisabled)
	}
	if b.ShouldEnforceDedicatedClusters != nil {
		no.ShouldEnforceDedicatedClusters = *b.ShouldEnforceDedicatedClusters
	}
	no.UpdatedAt, no.UpdatedBy = stamp(c.now), c.p.subject
	s.data.orgs[o.ID] = &no
	s.record(c, o.ID, "organization.update", "ORGANIZATION", o.ID)
	c.json(http.StatusOK, &no)
}

// auditEvent is one line of the audit log the simulator serves.
type auditEvent struct {
	Timestamp      string      `json:"timestamp"`
	OrganizationID string      `json:"organizationId"`
	Action         string      `json:"action"`
	Subject        subject     `json:"subject"`
	Target         auditTarget `json:"target"`
	RequestID      string      `json:"requestId,omitempty"`
}

type auditTarget struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

// maxAuditEvents is how many recorded writes an organization keeps.
const maxAuditEvents = 10000

// defaultAuditWindow is the window of GetOrganizationAuditLogs without
// dates: the last 90 days.
const defaultAuditWindow = 90 * 24 * time.Hour

// getAuditLogs serves GetOrganizationAuditLogs as application/octet-stream:
// one JSON event per line, oldest first, for the creation of the
// organization's workspaces, clusters and deployments and for every write
// made through the simulator, within [startDate, endDate].
func (s *Sim) getAuditLogs(c *call) {
	q := c.r.URL.Query()
	end, err := timeParam(q.Get("endDate"), "endDate", c.now)
	var start time.Time
	if err == nil {
		start, err = timeParam(q.Get("startDate"), "startDate", end.Add(-defaultAuditWindow))
	}
	if err == nil && end.Before(start) {
		err = invalidParam("endDate", "gtefield", "must not be before startDate")
	}
	var events []auditEvent
	if err == nil {
		s.mu.RLock()
		var o *organization
		o, err = s.orgAdmin(c.p, c.r.PathValue("organizationId"), "organization.auditLogs.get")
		if err == nil {
			events = s.auditEvents(o)
		}
		s.mu.RUnlock()
	}
	if err != nil {
		c.fail(err)
		return
	}
	var buf []byte
	lo, hi := stamp(start), stamp(end)
	for _, ev := range events {
		if ev.Timestamp >= lo && ev.Timestamp <= hi {
			line, _ := json.Marshal(ev)
			buf = append(append(buf, line...), '\n')
		}
	}
	c.w.Header().Set("Content-Type", "application/octet-stream")
	c.w.Header().Set("Content-Disposition", `attachment; filename="audit-logs.ndjson"`)
	c.w.WriteHeader(http.StatusOK)
	_, _ = c.w.Write(buf)
}

// auditEvents derives the creation events of an organization's objects and
// appends the recorded writes, sorted by time. Callers hold s.mu.
func (s *Sim) auditEvents(o *organization) []auditEvent {
	events := []auditEvent{{Timestamp: o.CreatedAt, OrganizationID: o.ID, Action: "organization.create", Subject: o.CreatedBy, Target: auditTarget{"ORGANIZATION", o.ID}}}
	for _, w := range s.data.workspaces {
		if w.OrganizationID == o.ID && w.CreatedBy != nil {
			events = append(events, auditEvent{Timestamp: w.CreatedAt, OrganizationID: o.ID, Action: "workspace.create", Subject: *w.CreatedBy, Target: auditTarget{"WORKSPACE", w.ID}})
		}
	}
	for _, cl := range s.data.clusters {
		if cl.OrganizationID == o.ID {
			events = append(events, auditEvent{Timestamp: cl.CreatedAt, OrganizationID: o.ID, Action: "cluster.create", Subject: o.CreatedBy, Target: auditTarget{"CLUSTER", cl.ID}})
		}
	}
	for _, d := range s.data.deployments {
		if d.OrganizationID == o.ID {
			events = append(events, auditEvent{Timestamp: d.CreatedAt, OrganizationID: o.ID, Action: "deployment.create", Subject: d.CreatedBy, Target: auditTarget{"DEPLOYMENT", d.ID}})
		}
	}
	events = append(events, s.data.audit[o.ID]...)
	slices.SortStableFunc(events, func(a, b auditEvent) int {
		if a.Timestamp != b.Timestamp {
			if a.Timestamp < b.Timestamp {
				return -1
			}
			return 1
		}
		if a.Target.ID < b.Target.ID {
			return -1
		}
		if a.Target.ID > b.Target.ID {
			return 1
		}
		return 0
	})
	return events
}

// timeParam parses an optional date-time query parameter; def is its
// value when absent.
func timeParam(v, name string, def time.Time) (time.Time, *apiError) {
	if v == "" {
		return def, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return def, invalidParam(name, "datetime", "must be an RFC 3339 date-time such as 2025-06-01T12:00:00Z, got '%s'", v)
	}
	return t, nil
}
