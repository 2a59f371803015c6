package houston

import "time"

// Houston's objects as the gateway reads them. Every field but the id is a
// pointer or a slice: what Houston returns depends on the selection sent, and
// an unrequested field stays nil.

// AppConfig is Houston's appConfig.
type AppConfig struct {
	Version                *string        `json:"version,omitempty"`
	BaseDomain             *string        `json:"baseDomain,omitempty"`
	ByoUpdateRegistryHost  *string        `json:"byoUpdateRegistryHost,omitempty"`
	SMTPConfigured         *bool          `json:"smtpConfigured,omitempty"`
	ManualReleaseNames     *bool          `json:"manualReleaseNames,omitempty"`
	ConfigureDagDeployment *bool          `json:"configureDagDeployment,omitempty"`
	NfsMountDagDeployment  *bool          `json:"nfsMountDagDeployment,omitempty"`
	ManualNamespaceNames   *bool          `json:"manualNamespaceNames,omitempty"`
	HardDeleteDeployment   *bool          `json:"hardDeleteDeployment,omitempty"`
	TriggererEnabled       *bool          `json:"triggererEnabled,omitempty"`
	FeatureFlags           map[string]any `json:"featureFlags,omitempty"`
}

// Workspace is a Houston workspace.
type Workspace struct {
	ID              string        `json:"id"`
	Label           *string       `json:"label,omitempty"`
	Description     *string       `json:"description,omitempty"`
	CreatedAt       *time.Time    `json:"createdAt,omitempty"`
	UpdatedAt       *time.Time    `json:"updatedAt,omitempty"`
	DeploymentCount *int          `json:"deploymentCount,omitempty"`
	RoleBindings    []RoleBinding `json:"roleBindings,omitempty"`
}

// RoleBinding binds a role to a user or service account.
type RoleBinding struct {
	Role           *string         `json:"role,omitempty"`
	User           *User           `json:"user,omitempty"`
	ServiceAccount *ServiceAccount `json:"serviceAccount,omitempty"`
}

// User is a Houston user.
type User struct {
	ID       string  `json:"id"`
	Username *string `json:"username,omitempty"`
	FullName *string `json:"fullName,omitempty"`
}

// ServiceAccount is a Houston service account.
type ServiceAccount struct {
	ID    string  `json:"id"`
	Label *string `json:"label,omitempty"`
}

// Deployment is a Houston deployment.
type Deployment struct {
	ID                    string          `json:"id"`
	Type                  *string         `json:"type,omitempty"`
	Label                 *string         `json:"label,omitempty"`
	Description           *string         `json:"description,omitempty"`
	ReleaseName           *string         `json:"releaseName,omitempty"`
	Namespace             *string         `json:"namespace,omitempty"`
	ClusterID             *string         `json:"clusterId,omitempty"`
	Version               *string         `json:"version,omitempty"`
	AirflowVersion        *string         `json:"airflowVersion,omitempty"`
	DesiredAirflowVersion *string         `json:"desiredAirflowVersion,omitempty"`
	RuntimeVersion        *string         `json:"runtimeVersion,omitempty"`
	DesiredRuntimeVersion *string         `json:"desiredRuntimeVersion,omitempty"`
	RuntimeAirflowVersion *string         `json:"runtimeAirflowVersion,omitempty"`
	Status                *string         `json:"status,omitempty"`
	Workspace             *Workspace      `json:"workspace,omitempty"`
	URLs                  []DeploymentURL `json:"urls,omitempty"`
	DeployInfo            *DeployInfo     `json:"deployInfo,omitempty"`
	DagDeployment         *DagDeployment  `json:"dagDeployment,omitempty"`
	CreatedAt             *time.Time      `json:"createdAt,omitempty"`
	UpdatedAt             *time.Time      `json:"updatedAt,omitempty"`
}

// DeploymentURL is one of a deployment's URLs (airflow, flower, registry …).
type DeploymentURL struct {
	Type *string `json:"type,omitempty"`
	URL  *string `json:"url,omitempty"`
}

// DeployInfo tells the current and next image tags.
type DeployInfo struct {
	Current *string `json:"current,omitempty"`
	NextCli *string `json:"nextCli,omitempty"`
}

// DagDeployment is how DAGs reach the deployment.
type DagDeployment struct {
	Type *string `json:"type,omitempty"`
}
