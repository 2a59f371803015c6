package astro

import (
	"bytes"
	"context"
	"iter"
	"net/url"
	"slices"
	"time"
)

// OrganizationsService calls the operations of the spec's Organization tag.
type OrganizationsService service

// Organization is the spec's Organization.
type Organization struct {
	AllowEnhancedSupportAccess     bool                      `json:"allowEnhancedSupportAccess"`
	BillingEmail                   *string                   `json:"billingEmail,omitempty"`
	CreatedAt                      time.Time                 `json:"createdAt"`
	CreatedBy                      BasicSubjectProfile       `json:"createdBy"`
	HasAIFeaturesDisabled          *bool                     `json:"hasAiFeaturesDisabled,omitempty"`
	HasAllowedIPAddressRanges      bool                      `json:"hasAllowedIpAddressRanges"`
	ID                             string                    `json:"id"`
	IsBlockedEnableAIFeatures      bool                      `json:"isBlockedEnableAiFeatures"`
	IsSCIMEnabled                  bool                      `json:"isScimEnabled"`
	ManagedDomains                 []ManagedDomain           `json:"managedDomains,omitempty"`
	Name                           string                    `json:"name"`
	PaymentMethod                  *PaymentMethod            `json:"paymentMethod,omitempty"`
	Product                        *OrganizationProduct      `json:"product,omitempty"`
	ProductPlans                   []OrganizationProductPlan `json:"productPlans"`
	ShouldEnforceDedicatedClusters bool                      `json:"shouldEnforceDedicatedClusters"`
	Status                         *OrganizationStatus       `json:"status,omitempty"`
	// TrialExpiresAt is absent for Organizations no longer in trial.
	TrialExpiresAt *time.Time          `json:"trialExpiresAt,omitempty"`
	UpdatedAt      time.Time           `json:"updatedAt"`
	UpdatedBy      BasicSubjectProfile `json:"updatedBy"`
}

// ManagedDomain is an e-mail domain that an Organization has claimed.
type ManagedDomain struct {
	CreatedAt      time.Time           `json:"createdAt"`
	EnforcedLogins []string            `json:"enforcedLogins,omitempty"`
	ID             string              `json:"id"`
	Name           string              `json:"name"`
	OrganizationID string              `json:"organizationId"`
	Status         ManagedDomainStatus `json:"status"`
	UpdatedAt      time.Time           `json:"updatedAt"`
}

// OrganizationProductPlan is one product plan of an Organization.
type OrganizationProductPlan struct {
	AstronomerProduct AstronomerProduct `json:"astronomerProduct"`
	OrganizationID    string            `json:"organizationId"`
	ProductPlanID     string            `json:"productPlanId"`
	ProductPlanName   ProductPlanName   `json:"productPlanName"`
}

// BasicSubjectProfile identifies the user or API token that created or
// updated an object. Username, FullName and AvatarURL are set for USER
// subjects, APITokenName for SERVICEKEY subjects.
type BasicSubjectProfile struct {
	APITokenName *string      `json:"apiTokenName,omitempty"`
	AvatarURL    *string      `json:"avatarUrl,omitempty"`
	FullName     *string      `json:"fullName,omitempty"`
	ID           string       `json:"id"`
	SubjectType  *SubjectType `json:"subjectType,omitempty"`
	Username     *string      `json:"username,omitempty"`
}

// SubjectType is the kind of a BasicSubjectProfile.
type SubjectType string

// The spec's SubjectType values.
const (
	SubjectTypeUser       SubjectType = "USER"
	SubjectTypeServiceKey SubjectType = "SERVICEKEY"
)

// PaymentMethod is how an Organization pays.
type PaymentMethod string

// The spec's PaymentMethod values.
const (
	PaymentMethodCreditCard           PaymentMethod = "CREDIT_CARD"
	PaymentMethodInvoice              PaymentMethod = "INVOICE"
	PaymentMethodAWSMarketplace       PaymentMethod = "AWS_MARKETPLACE"
	PaymentMethodAzureMarketplace     PaymentMethod = "AZURE_MARKETPLACE"
	PaymentMethodGCPMarketplace       PaymentMethod = "GCP_MARKETPLACE"
	PaymentMethodSnowflakeMarketplace PaymentMethod = "SNOWFLAKE_MARKETPLACE"
)

// OrganizationProduct is the Astro product an Organization uses.
type OrganizationProduct string

// The spec's Organization product values.
const (
	OrganizationProductHosted OrganizationProduct = "HOSTED"
	OrganizationProductHybrid OrganizationProduct = "HYBRID"
)

// OrganizationStatus is the state of an Organization.
type OrganizationStatus string

// The spec's Organization status values.
const (
	OrganizationStatusActive    OrganizationStatus = "ACTIVE"
	OrganizationStatusInactive  OrganizationStatus = "INACTIVE"
	OrganizationStatusSuspended OrganizationStatus = "SUSPENDED"
)

// ManagedDomainStatus is the verification state of a ManagedDomain.
type ManagedDomainStatus string

// The spec's ManagedDomain status values.
const (
	ManagedDomainStatusPending  ManagedDomainStatus = "PENDING"
	ManagedDomainStatusVerified ManagedDomainStatus = "VERIFIED"
)

// AstronomerProduct is the product of an OrganizationProductPlan.
type AstronomerProduct string

// The spec's AstronomerProduct values.
const (
	AstronomerProductAstro AstronomerProduct = "ASTRO"
)

// ProductPlanName names the plan of an OrganizationProductPlan.
type ProductPlanName string

// The spec's productPlanName values.
const (
	ProductPlanInactive                   ProductPlanName = "INACTIVE"
	ProductPlanInternal                   ProductPlanName = "INTERNAL"
	ProductPlanPOV                        ProductPlanName = "POV"
	ProductPlanTrial                      ProductPlanName = "TRIAL"
	ProductPlanBasic                      ProductPlanName = "BASIC"
	ProductPlanBasicPaygo                 ProductPlanName = "BASIC_PAYGO"
	ProductPlanTeamPaygo                  ProductPlanName = "TEAM_PAYGO"
	ProductPlanStandard                   ProductPlanName = "STANDARD"
	ProductPlanPremium                    ProductPlanName = "PREMIUM"
	ProductPlanBusinessCritical           ProductPlanName = "BUSINESS_CRITICAL"
	ProductPlanBusiness                   ProductPlanName = "BUSINESS"
	ProductPlanTeam                       ProductPlanName = "TEAM"
	ProductPlanEnterprise                 ProductPlanName = "ENTERPRISE"
	ProductPlanDeveloper                  ProductPlanName = "DEVELOPER"
	ProductPlanDeveloperPaygo             ProductPlanName = "DEVELOPER_PAYGO"
	ProductPlanTeamV2                     ProductPlanName = "TEAM_V2"
	ProductPlanBusinessV2                 ProductPlanName = "BUSINESS_V2"
	ProductPlanEnterpriseV2               ProductPlanName = "ENTERPRISE_V2"
	ProductPlanTrialV2                    ProductPlanName = "TRIAL_V2"
	ProductPlanEnterpriseBusinessCritical ProductPlanName = "ENTERPRISE_BUSINESS_CRITICAL"
	ProductPlanIBMEnterprise              ProductPlanName = "IBM_ENTERPRISE"
)

// ListOrganizationsOptions are the query parameters of ListOrganizations.
// Empty strings are omitted.
type ListOrganizationsOptions struct {
	// ProductPlan filters by plan: TRIAL, BASIC, STANDARD, PREMIUM or
	// BUSINESS_CRITICAL.
	ProductPlan string
	// AstronomerProduct filters by product: ASTRO.
	AstronomerProduct string
	// Product filters by product type: HOSTED or HYBRID.
	Product string

	ListOptions
}

func (o *ListOrganizationsOptions) values() url.Values {
	q := url.Values{}
	if o == nil {
		return q
	}
	addString(q, "productPlan", o.ProductPlan)
	addString(q, "astronomerProduct", o.AstronomerProduct)
	addString(q, "product", o.Product)
	o.ListOptions.addTo(q)
	return q
}

// List lists the Organizations that the token's user belongs to. The API
// serves this to user tokens, not to Organization, Workspace or Deployment
// API tokens.
//
// Astro API: GET /organizations (ListOrganizations)
func (s *OrganizationsService) List(ctx context.Context, opts *ListOrganizationsOptions) ([]*Organization, *Response, error) {
	var page struct {
		Organizations []*Organization `json:"organizations"`
		pageInfo
	}
	resp, err := s.client.call(ctx, "ListOrganizations", opts.values(), nil, &page)
	if err != nil {
		return nil, resp, err
	}
	resp.setPage(page.pageInfo)
	return page.Organizations, resp, nil
}

// ListIter walks every page of List, starting at opts.Offset; it stops at
// the first error, which it yields. opts is copied and never modified.
//
// Astro API: GET /organizations (ListOrganizations)
func (s *OrganizationsService) ListIter(ctx context.Context, opts *ListOrganizationsOptions) iter.Seq2[*Organization, error] {
	var o ListOrganizationsOptions
	if opts != nil {
		o = *opts
		o.Sorts = slices.Clone(opts.Sorts)
	}
	return iterate(o.ListOptions, func(lo ListOptions) ([]*Organization, *Response, error) {
		o := o
		o.ListOptions = lo
		return s.List(ctx, &o)
	})
}

// Get fetches one Organization by ID.
//
// Astro API: GET /organizations/{organizationId} (GetOrganization)
func (s *OrganizationsService) Get(ctx context.Context, organizationID string) (*Organization, *Response, error) {
	org := new(Organization)
	resp, err := s.client.call(ctx, "GetOrganization", nil, nil, org, organizationID)
	if err != nil {
		return nil, resp, err
	}
	return org, resp, nil
}

// GetOrganizationOptions are the query parameters of GetOrganization.
type GetOrganizationOptions struct {
	// IsLookUpOnly asks for the Organization's metadata only.
	IsLookUpOnly bool
}

// GetWithOptions is Get with query parameters.
//
// Astro API: GET /organizations/{organizationId} (GetOrganization)
func (s *OrganizationsService) GetWithOptions(ctx context.Context, organizationID string, opts *GetOrganizationOptions) (*Organization, *Response, error) {
	q := url.Values{}
	if opts != nil {
		addBool(q, "isLookUpOnly", opts.IsLookUpOnly)
	}
	return getAs[Organization](ctx, s.client, q, "GetOrganization", organizationID)
}

// UpdateOrganizationRequest is the body of UpdateOrganization. Name,
// BillingEmail and IsScimEnabled are required: an update replaces them.
type UpdateOrganizationRequest struct {
	AllowEnhancedSupportAccess     *bool  `json:"allowEnhancedSupportAccess,omitempty"`
	BillingEmail                   string `json:"billingEmail"`
	HasAIFeaturesDisabled          *bool  `json:"hasAiFeaturesDisabled,omitempty"`
	IsSCIMEnabled                  bool   `json:"isScimEnabled"`
	Name                           string `json:"name"`
	ShouldEnforceDedicatedClusters *bool  `json:"shouldEnforceDedicatedClusters,omitempty"`
}

// Update changes an Organization's settings.
//
// Astro API: POST /organizations/{organizationId} (UpdateOrganization)
func (s *OrganizationsService) Update(ctx context.Context, organizationID string, body *UpdateOrganizationRequest) (*Organization, *Response, error) {
	return postAs[Organization](ctx, s.client, body, "UpdateOrganization", organizationID)
}

// GetOrganizationAuditLogsOptions are the query parameters of
// GetOrganizationAuditLogs: the time window of the logs.
type GetOrganizationAuditLogsOptions struct {
	StartDate *time.Time
	EndDate   *time.Time
}

// GetAuditLogs returns an Organization's audit log for a time window, as
// the bytes the API sends (application/octet-stream; the simulator sends
// one JSON event per line).
//
// Astro API: GET /organizations/{organizationId}/audit-logs (GetOrganizationAuditLogs)
func (s *OrganizationsService) GetAuditLogs(ctx context.Context, organizationID string, opts *GetOrganizationAuditLogsOptions) ([]byte, *Response, error) {
	q := url.Values{}
	if opts != nil {
		addTime(q, "startDate", opts.StartDate)
		addTime(q, "endDate", opts.EndDate)
	}
	req, err := s.client.newCall(ctx, "GetOrganizationAuditLogs", q, nil, organizationID)
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Accept", "application/octet-stream, application/json")
	var buf bytes.Buffer
	resp, err := s.client.Do(req, &buf)
	if err != nil {
		return nil, resp, err
	}
	return buf.Bytes(), resp, nil
}
