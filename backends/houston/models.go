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
	Active          *bool         `json:"active,omitempty"`
	CreatedAt       *time.Time    `json:"createdAt,omitempty"`
	UpdatedAt       *time.Time    `json:"updatedAt,omitempty"`
	DeploymentCount *int          `json:"deploymentCount,omitempty"`
	RoleBindings    []RoleBinding `json:"roleBindings,omitempty"`
	Users           []*User       `json:"users,omitempty"`
	Invites         []Invite      `json:"invites,omitempty"`
}

// RoleBinding binds a role to a user, team or service account, on the
// system, a workspace or a deployment.
type RoleBinding struct {
	ID             string          `json:"id,omitempty"`
	Role           *string         `json:"role,omitempty"`
	User           *User           `json:"user,omitempty"`
	ServiceAccount *ServiceAccount `json:"serviceAccount,omitempty"`
	Team           *Team           `json:"team,omitempty"`
	Workspace      *Workspace      `json:"workspace,omitempty"`
	Deployment     *Deployment     `json:"deployment,omitempty"`
	CreatedAt      *time.Time      `json:"createdAt,omitempty"`
	UpdatedAt      *time.Time      `json:"updatedAt,omitempty"`
}

// User is a Houston user.
type User struct {
	ID           string        `json:"id"`
	Username     *string       `json:"username,omitempty"`
	FullName     *string       `json:"fullName,omitempty"`
	Status       *string       `json:"status,omitempty"`
	Emails       []Email       `json:"emails,omitempty"`
	RoleBindings []RoleBinding `json:"roleBindings,omitempty"`
	CreatedAt    *time.Time    `json:"createdAt,omitempty"`
	UpdatedAt    *time.Time    `json:"updatedAt,omitempty"`
}

// Email is an e-mail address of a user.
type Email struct {
	Address  *string `json:"address,omitempty"`
	Verified *bool   `json:"verified,omitempty"`
	Primary  *bool   `json:"primary,omitempty"`
}

// ServiceAccount is a Houston service account. Its APIKey (32 hex
// characters) is a credential.
type ServiceAccount struct {
	ID             string       `json:"id"`
	Label          *string      `json:"label,omitempty"`
	APIKey         *string      `json:"apiKey,omitempty"`
	Category       *string      `json:"category,omitempty"`
	EntityType     *string      `json:"entityType,omitempty"`
	EntityUUID     *string      `json:"entityUuid,omitempty"`
	WorkspaceUUID  *string      `json:"workspaceUuid,omitempty"`
	DeploymentUUID *string      `json:"deploymentUuid,omitempty"`
	Active         *bool        `json:"active,omitempty"`
	LastUsedAt     *time.Time   `json:"lastUsedAt,omitempty"`
	CreatedAt      *time.Time   `json:"createdAt,omitempty"`
	UpdatedAt      *time.Time   `json:"updatedAt,omitempty"`
	RoleBinding    *RoleBinding `json:"roleBinding,omitempty"`
}

// Team is a team of users (Houston ≥ 0.28).
type Team struct {
	ID           string        `json:"id"`
	Name         *string       `json:"name,omitempty"`
	CreatedAt    *time.Time    `json:"createdAt,omitempty"`
	UpdatedAt    *time.Time    `json:"updatedAt,omitempty"`
	RoleBindings []RoleBinding `json:"roleBindings,omitempty"`
}

// TeamsPage is one page of paginatedTeams; Count is the number of teams on
// all pages.
type TeamsPage struct {
	Count *int    `json:"count,omitempty"`
	Teams []*Team `json:"teams,omitempty"`
}

// Invite is a pending invitation to a workspace.
type Invite struct {
	ID        string     `json:"id,omitempty"`
	Email     *string    `json:"email,omitempty"`
	Role      *string    `json:"role,omitempty"`
	CreatedAt *time.Time `json:"createdAt,omitempty"`
	UpdatedAt *time.Time `json:"updatedAt,omitempty"`
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
	Config                map[string]any  `json:"config,omitempty"`
	RoleBindings          []RoleBinding   `json:"roleBindings,omitempty"`
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

// RuntimeRelease is an Astro Runtime release (Houston ≥ 0.29).
type RuntimeRelease struct {
	Version                   *string `json:"version,omitempty"`
	AirflowVersion            *string `json:"airflowVersion,omitempty"`
	AirflowDatabaseMigrations *bool   `json:"airflowDatabaseMigrations,omitempty"`
}

// DeploymentConfig is what a deployment may be configured with.
type DeploymentConfig struct {
	AirflowImages              []AirflowImage `json:"airflowImages,omitempty"`
	AirflowVersions            []string       `json:"airflowVersions,omitempty"`
	DefaultAirflowImageTag     *string        `json:"defaultAirflowImageTag,omitempty"`
	DefaultAirflowChartVersion *string        `json:"defaultAirflowChartVersion,omitempty"`
	Executors                  any            `json:"executors,omitempty"`
	SingleNamespace            *bool          `json:"singleNamespace,omitempty"`
	LoggingEnabled             *bool          `json:"loggingEnabled,omitempty"`
}

// AirflowImage is an Astronomer Certified image.
type AirflowImage struct {
	Version *string `json:"version,omitempty"`
	Channel *string `json:"channel,omitempty"`
	Tag     *string `json:"tag,omitempty"`
}

// Namespace is a Kubernetes namespace a new deployment may use.
type Namespace struct {
	Name *string `json:"name,omitempty"`
}

// AuthConfig says how people log in.
type AuthConfig struct {
	LocalEnabled  *bool          `json:"localEnabled,omitempty"`
	PublicSignup  *bool          `json:"publicSignup,omitempty"`
	InitialSignup *bool          `json:"initialSignup,omitempty"`
	Providers     []AuthProvider `json:"providers,omitempty"`
}

// AuthProvider is an OAuth identity provider.
type AuthProvider struct {
	Name        *string `json:"name,omitempty"`
	DisplayName *string `json:"displayName,omitempty"`
	URL         *string `json:"url,omitempty"`
}

// AuthUser is a logged-in user and its token.
type AuthUser struct {
	User        *User          `json:"user,omitempty"`
	Token       *Token         `json:"token,omitempty"`
	IsAdmin     *bool          `json:"isAdmin,omitempty"`
	Permissions map[string]any `json:"permissions,omitempty"`
}

// Token is a JWT to send as Authorization.
type Token struct {
	Value *string `json:"value,omitempty"`
}

// DeploymentLog is a log line of a deployment.
type DeploymentLog struct {
	ID        string  `json:"id"`
	Timestamp *string `json:"timestamp,omitempty"`
	Message   *string `json:"message,omitempty"`
	Component *string `json:"component,omitempty"`
	Release   *string `json:"release,omitempty"`
	Level     *string `json:"level,omitempty"`
}
