package app

// registerPersonal adds recipients' personal pages (/me/{token}): signed
// links made by POST /v1/recipients/{uid}/link and carried by messages.
func (a *App) registerPersonal() {
	if a.pages == nil {
		return
	}
	a.pages.NewPersonal(a.Service, a.Hub).Register(a.Mux)
}
