package astro

import (
	"context"
	"iter"
	"net/url"
	"time"
)

// DeploysService calls the operations of the spec's Deploy tag: code
// deploys to a Deployment. A deploy is created (INITIALIZED, with upload
// URLs), the image or DAGs are uploaded, and Finalize completes it.
type DeploysService service

// Deploy is the spec's Deploy.
type Deploy struct {
	AirflowVersion      *string `json:"airflowVersion,omitempty"`
	AstroRuntimeVersion *string `json:"astroRuntimeVersion,omitempty"`
	BundleMountPath     *string `json:"bundleMountPath,omitempty"`
	// BundleUploadURL is set for BUNDLE deploys on Deployments with DAG
	// deploys enabled.
	BundleUploadURL   *string              `json:"bundleUploadUrl,omitempty"`
	Bundles           []Bundle             `json:"bundles,omitempty"`
	CreatedAt         time.Time            `json:"createdAt"`
	CreatedBySubject  *BasicSubjectProfile `json:"createdBySubject,omitempty"`
	DagTarballVersion *string              `json:"dagTarballVersion,omitempty"`
	// DagsUploadURL is set when the Deployment has DAG deploys enabled.
	DagsUploadURL      *string    `json:"dagsUploadUrl,omitempty"`
	DeploymentID       string     `json:"deploymentId"`
	Description        *string    `json:"description,omitempty"`
	Git                *DeployGit `json:"git,omitempty"`
	ID                 string     `json:"id"`
	ImageRepository    string     `json:"imageRepository"`
	ImageTag           string     `json:"imageTag"`
	IsDagDeployEnabled bool       `json:"isDagDeployEnabled"`
	// RollbackFromID is the deploy that was current when this one rolled
	// the Deployment back.
	RollbackFromID *string      `json:"rollbackFromId,omitempty"`
	Status         DeployStatus `json:"status"`
	// Type is the deploy type. The spec's response enum lacks BUNDLE, which
	// requests accept; the type is a plain string type, so a BUNDLE deploy
	// still decodes.
	Type             DeployType           `json:"type"`
	UpdatedAt        *time.Time           `json:"updatedAt,omitempty"`
	UpdatedBySubject *BasicSubjectProfile `json:"updatedBySubject,omitempty"`
}

// DeployGit is the spec's DeployGit: the commit a deploy was made from.
type DeployGit struct {
	Account         *string     `json:"account,omitempty"`
	AuthorName      *string     `json:"authorName,omitempty"`
	AuthorURL       *string     `json:"authorUrl,omitempty"`
	AuthorUsername  *string     `json:"authorUsername,omitempty"`
	BeforeCommitSha *string     `json:"beforeCommitSha,omitempty"`
	Branch          *string     `json:"branch,omitempty"`
	CommitSha       string      `json:"commitSha"`
	CommitURL       *string     `json:"commitUrl,omitempty"`
	Path            *string     `json:"path,omitempty"`
	Provider        GitProvider `json:"provider"`
	RemoteURL       *string     `json:"remoteUrl,omitempty"`
	Repo            *string     `json:"repo,omitempty"`
}

// Bundle is the spec's Bundle.
type Bundle struct {
	BundleType     string  `json:"bundleType"`
	CurrentVersion *string `json:"currentVersion,omitempty"`
	DeployID       string  `json:"deployId"`
	DesiredVersion *string `json:"desiredVersion,omitempty"`
	MountPath      string  `json:"mountPath"`
}

// CreateDeployRequest is the body of CreateDeploy. A BUNDLE deploy needs
// BundleType and BundleMountPath.
type CreateDeployRequest struct {
	BundleMountPath *string                 `json:"bundleMountPath,omitempty"`
	BundleType      *string                 `json:"bundleType,omitempty"`
	Description     *string                 `json:"description,omitempty"`
	Git             *CreateDeployGitRequest `json:"git,omitempty"`
	Type            DeployType              `json:"type"`
}

// CreateDeployGitRequest is the spec's CreateDeployGitRequest. GITHUB needs
// Account and Repo and no RemoteURL; GENERIC needs RemoteURL and neither of
// the other two.
type CreateDeployGitRequest struct {
	Account         *string     `json:"account,omitempty"`
	AuthorName      *string     `json:"authorName,omitempty"`
	AuthorURL       *string     `json:"authorUrl,omitempty"`
	AuthorUsername  *string     `json:"authorUsername,omitempty"`
	BeforeCommitSha *string     `json:"beforeCommitSha,omitempty"`
	Branch          *string     `json:"branch,omitempty"`
	CommitSha       string      `json:"commitSha"`
	CommitURL       *string     `json:"commitUrl,omitempty"`
	Path            *string     `json:"path,omitempty"`
	Provider        GitProvider `json:"provider"`
	RemoteURL       *string     `json:"remoteUrl,omitempty"`
	Repo            *string     `json:"repo,omitempty"`
}

// UpdateDeployRequest is the body of UpdateDeploy.
type UpdateDeployRequest struct {
	Description *string `json:"description,omitempty"`
}

// FinalizeDeployRequest is the body of FinalizeDeploy. DagTarballVersion is
// required for IMAGE_AND_DAG and DAG_ONLY deploys on Deployments with DAG
// deploys enabled, BundleTarballVersion for BUNDLE deploys.
type FinalizeDeployRequest struct {
	BundleTarballVersion *string `json:"bundleTarballVersion,omitempty"`
	DagTarballVersion    *string `json:"dagTarballVersion,omitempty"`
}

// DeployRollbackRequest is the body of DeployRollback.
type DeployRollbackRequest struct {
	Description *string `json:"description,omitempty"`
}

// DeployType is the kind of a deploy.
type DeployType string

// The spec's deploy type values. BUNDLE is accepted by CreateDeploy only.
const (
	DeployTypeImageAndDag DeployType = "IMAGE_AND_DAG"
	DeployTypeImageOnly   DeployType = "IMAGE_ONLY"
	DeployTypeDagOnly     DeployType = "DAG_ONLY"
	DeployTypeBundle      DeployType = "BUNDLE"
)

// DeployStatus is the state of a deploy.
type DeployStatus string

// The spec's deploy status values.
const (
	DeployStatusInitialized DeployStatus = "INITIALIZED"
	DeployStatusDeployed    DeployStatus = "DEPLOYED"
	DeployStatusFailed      DeployStatus = "FAILED"
)

// GitProvider is the Git host of a deploy's commit.
type GitProvider string

// The spec's Git provider values.
const (
	GitProviderGitHub  GitProvider = "GITHUB"
	GitProviderGeneric GitProvider = "GENERIC"
)

// ListDeploysOptions are the query parameters of ListDeploys, which takes
// no sorts.
type ListDeploysOptions struct {
	Offset int
	Limit  int
}

// List lists the deploys of a Deployment.
//
// Astro API: GET /organizations/{organizationId}/deployments/{deploymentId}/deploys (ListDeploys)
func (s *DeploysService) List(ctx context.Context, organizationID, deploymentID string, opts *ListDeploysOptions) ([]*Deploy, *Response, error) {
	q := url.Values{}
	if opts != nil {
		addInt(q, "offset", opts.Offset)
		addInt(q, "limit", opts.Limit)
	}
	return listAs[Deploy](ctx, s.client, "deploys", q, "ListDeploys", organizationID, deploymentID)
}

// ListIter walks every page of List, starting at opts.Offset; it stops at
// the first error, which it yields.
//
// Astro API: GET /organizations/{organizationId}/deployments/{deploymentId}/deploys (ListDeploys)
func (s *DeploysService) ListIter(ctx context.Context, organizationID, deploymentID string, opts *ListDeploysOptions) iter.Seq2[*Deploy, error] {
	var start ListOptions
	if opts != nil {
		start = ListOptions{Offset: opts.Offset, Limit: opts.Limit}
	}
	return iterFrom(start, func(lo ListOptions) *ListDeploysOptions {
		return &ListDeploysOptions{Offset: lo.Offset, Limit: lo.Limit}
	}, func(o *ListDeploysOptions) ([]*Deploy, *Response, error) {
		return s.List(ctx, organizationID, deploymentID, o)
	})
}

// Get fetches one deploy.
//
// Astro API: GET /organizations/{organizationId}/deployments/{deploymentId}/deploys/{deployId} (GetDeploy)
func (s *DeploysService) Get(ctx context.Context, organizationID, deploymentID, deployID string) (*Deploy, *Response, error) {
	return getAs[Deploy](ctx, s.client, nil, "GetDeploy", organizationID, deploymentID, deployID)
}

// Create starts a deploy and returns it INITIALIZED, with the URLs to upload
// to.
//
// Astro API: POST /organizations/{organizationId}/deployments/{deploymentId}/deploys (CreateDeploy)
func (s *DeploysService) Create(ctx context.Context, organizationID, deploymentID string, body *CreateDeployRequest) (*Deploy, *Response, error) {
	return postAs[Deploy](ctx, s.client, body, "CreateDeploy", organizationID, deploymentID)
}

// Update changes a deploy's description.
//
// Astro API: POST /organizations/{organizationId}/deployments/{deploymentId}/deploys/{deployId} (UpdateDeploy)
func (s *DeploysService) Update(ctx context.Context, organizationID, deploymentID, deployID string, body *UpdateDeployRequest) (*Deploy, *Response, error) {
	return postAs[Deploy](ctx, s.client, body, "UpdateDeploy", organizationID, deploymentID, deployID)
}

// Finalize completes a deploy once its image or DAGs are uploaded.
//
// Astro API: POST /organizations/{organizationId}/deployments/{deploymentId}/deploys/{deployId}/finalize (FinalizeDeploy)
func (s *DeploysService) Finalize(ctx context.Context, organizationID, deploymentID, deployID string, body *FinalizeDeployRequest) (*Deploy, *Response, error) {
	return postAs[Deploy](ctx, s.client, body, "FinalizeDeploy", organizationID, deploymentID, deployID)
}

// Rollback rolls the Deployment back to an earlier deploy, which makes a new
// deploy; like a create, it is not idempotent.
//
// Astro API: POST /organizations/{organizationId}/deployments/{deploymentId}/deploys/{deployId}/rollback (DeployRollback)
func (s *DeploysService) Rollback(ctx context.Context, organizationID, deploymentID, deployID string, body *DeployRollbackRequest) (*Deploy, *Response, error) {
	return postAs[Deploy](ctx, s.client, body, "DeployRollback", organizationID, deploymentID, deployID)
}
