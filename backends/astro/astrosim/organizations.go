package astrosim

import (
	"net/http"
	"slices"
)

// organization is the spec's Organization schema.
type organization struct {
	AllowEnhancedSupportAccess     bool            `json:"allowEnhancedSupportAccess"`
	BillingEmail                   string          `json:"billingEmail,omitempty"`
	CreatedAt                      string          `json:"createdAt"`
	CreatedBy                      subject         `json:"createdBy"`
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

// listOrganizations serves ListOrganizations. The spec says it requires a
// personal access token, so any other token gets a 403.
func (s *Sim) listOrganizations(c *call) {
	if c.p.Kind != KindPersonal {
		c.fail(forbidden("listing Organizations requires a personal access token (PAT); this is a %s API token", c.p.Kind))
		return
	}
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
