package model

import "time"

// SoftwareWorkspace and SoftwareDeployment are written by hand, not
// generated, because they carry what Houston sent inline with them — their
// role bindings and invites — for the users, teams, serviceAccounts and
// invites connections to page: those lists cost no Houston request of their
// own.

// SoftwareWorkspace is a Houston workspace.
type SoftwareWorkspace struct {
	ID              string     `json:"id"`
	WorkspaceID     string     `json:"workspaceId"`
	Installation    string     `json:"installation"`
	Name            string     `json:"name"`
	Description     *string    `json:"description,omitempty"`
	Platform        Platform   `json:"platform"`
	Active          *bool      `json:"active,omitempty"`
	DeploymentCount *int       `json:"deploymentCount,omitempty"`
	CreatedAt       *time.Time `json:"createdAt,omitempty"`
	UpdatedAt       *time.Time `json:"updatedAt,omitempty"`
	// Members holds the role bindings and invites read with the workspace.
	Members SoftwareMembers `json:"-"`
}

// IsNode marks SoftwareWorkspace as a Node.
func (SoftwareWorkspace) IsNode() {}

// IsWorkspace marks SoftwareWorkspace as a Workspace.
func (SoftwareWorkspace) IsWorkspace() {}

// SoftwareDeployment is a Houston deployment.
type SoftwareDeployment struct {
	ID                    string                   `json:"id"`
	DeploymentID          string                   `json:"deploymentId"`
	Installation          string                   `json:"installation"`
	Name                  string                   `json:"name"`
	Description           *string                  `json:"description,omitempty"`
	Platform              Platform                 `json:"platform"`
	Status                DeploymentStatus         `json:"status"`
	HoustonStatus         *string                  `json:"houstonStatus,omitempty"`
	ReleaseName           *string                  `json:"releaseName,omitempty"`
	Namespace             *string                  `json:"namespace,omitempty"`
	ClusterID             *string                  `json:"clusterId,omitempty"`
	Version               *string                  `json:"version,omitempty"`
	RuntimeVersion        *string                  `json:"runtimeVersion,omitempty"`
	AirflowVersion        *string                  `json:"airflowVersion,omitempty"`
	DesiredRuntimeVersion *string                  `json:"desiredRuntimeVersion,omitempty"`
	DesiredAirflowVersion *string                  `json:"desiredAirflowVersion,omitempty"`
	WorkspaceID           *string                  `json:"workspaceId,omitempty"`
	Workspace             *SoftwareWorkspace       `json:"workspace,omitempty"`
	Urls                  []*SoftwareDeploymentURL `json:"urls,omitempty"`
	DeployInfo            *SoftwareDeployInfo      `json:"deployInfo,omitempty"`
	DagDeploymentType     *string                  `json:"dagDeploymentType,omitempty"`
	Config                any                      `json:"config,omitempty"`
	CreatedAt             *time.Time               `json:"createdAt,omitempty"`
	UpdatedAt             *time.Time               `json:"updatedAt,omitempty"`
	// Members holds the role bindings read with the deployment.
	Members SoftwareMembers `json:"-"`
}

// IsNode marks SoftwareDeployment as a Node.
func (SoftwareDeployment) IsNode() {}

// IsDeployment marks SoftwareDeployment as a Deployment.
func (SoftwareDeployment) IsDeployment() {}

// SoftwareMembers are the users, teams and service accounts bound to a
// workspace or deployment, each with its role, and a workspace's invites —
// whole lists, in Houston's order; the connections page them.
type SoftwareMembers struct {
	Users           []SoftwareMember[*SoftwareUser]
	Teams           []SoftwareMember[*SoftwareTeam]
	ServiceAccounts []*SoftwareServiceAccount
	Invites         []*SoftwareInvite
}

// SoftwareMember is a user or team with its role on the object it is bound to.
type SoftwareMember[T any] struct {
	Node T
	Role *SoftwareRole
}
