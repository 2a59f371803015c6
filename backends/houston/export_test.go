package houston

// LogDocument exposes the subscription document SubscribeLogs sends, so that
// the tests can validate it like every other document.
func LogDocument(deploymentID, component, search string) *Request {
	return logDocument(deploymentID, component, search)
}
