package houstonsim

// Word lists the dataset generator draws from. They are constants (split with
// strings.Fields when a dataset is built) so the package has no variables.
const (
	// Release names are <adjective>-<noun>-<digits>, space themed like the
	// names Houston generates ("prehistoric-gravity-930").
	releaseAdjectives = `prehistoric galactic orbital nebular stellar cosmic lunar solar
		interstellar celestial astral infrared ultraviolet magnetic radiant spectral
		zodiacal meteoric eclipsed sidereal planetary gravitational luminous nuclear
		barren frozen ancient boreal equatorial polar`
	releaseNouns = `gravity nebula quasar pulsar comet asteroid galaxy planet meteor
		supernova orbit photon cosmos horizon telescope satellite rocket station
		eclipse aurora parsec magnetar singularity zenith perihelion equinox
		constellation corona spectrum radiation`

	workspaceLabels = `Data-Platform Analytics Machine-Learning Finance-Reporting
		Marketing Growth Customer-Success Supply-Chain Risk Payments Search
		Recommendations Fraud Billing Logistics Security Compliance Research
		Experimentation Sales-Ops People-Analytics Inventory Pricing Forecasting
		Content Identity Observability Partner-Integrations Mobile Platform-Reliability`

	deploymentDomains  = `orders billing marketing ml events inventory payments crm search reporting sessions ledger`
	deploymentPurposes = `etl ingest dbt sync training scoring backfill exports quality alerts`
	deploymentStages   = `prod staging dev`

	firstNames = `Avery Blake Casey Dana Emery Finley Gray Harper Indigo Jordan Kai Logan
		Morgan Noel Oakley Parker Quinn Riley Sage Taylor Uma Val Wren Zion`
	lastNames = `Abbott Baker Carver Dalton Ellis Foster Garner Hale Irving Jensen Keller
		Lowe Mercer Nash Oakes Porter Quill Reyes Sutton Tate Underwood Vance Walsh Young`

	// Astronomer Certified Airflow versions, for deployments that predate
	// Astro Runtime.
	certifiedAirflowVersions = `2.2.5 2.3.4 2.4.3`

	// Astro Runtime releases as "<runtime>/<airflow>", oldest first.
	runtimeReleaseTable = `4.2.9/2.2.5 5.3.0/2.3.4 6.6.0/2.4.3 7.6.0/2.5.3 8.10.0/2.6.3
		9.1.0/2.7.3 9.5.0/2.7.3 10.3.0/2.8.1 11.4.0/2.9.2`

	// Platform (Helm chart) versions a deployment can be on.
	chartVersions = `1.10.0 1.11.2 1.12.1`
)
