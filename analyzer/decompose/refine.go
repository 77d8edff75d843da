package decompose

// refine moves single units of layered packages (packages whose units fall in kernelSpread or
// more services, like handler/, service/, store/) to the service their role says they belong
// to, overriding the file they happen to sit in. In a layered package the file is weak evidence;
// in a feature package it is strong, so feature packages are left alone. Decisions are taken on
// the clustering as it is and applied together:
//
//   - data access: a unit whose statements touch only tables owned by one other service, and
//     none of them inside a transaction begun by its own service, goes to that owner (the
//     owner's query that another service happened to write);
//   - thin handler: a route handler whose calls into services all go to one other service goes
//     there (the route moves with that service);
//   - private helper: a unit without SQL used only by units of one other service in the same
//     package, and using nothing of its own service, goes to its users.
func refine(m *model, comm []int, k int) []int {
	out := append([]int(nil), comm...)
	owner := proposeOwners(m, comm, k)
	spread := map[string]map[int]bool{}
	for u, un := range m.units {
		if comm[u] >= 0 {
			if spread[un.Package] == nil {
				spread[un.Package] = map[int]bool{}
			}
			spread[un.Package][comm[u]] = true
		}
	}
	layered := func(u int) bool { return len(spread[m.units[u].Package]) >= kernelSpread }
	txUnit := map[string]int{}
	for _, tx := range m.f.Transactions {
		if u, ok := m.idx[tx.Unit]; ok {
			txUnit[tx.ID] = u
		}
	}
	ownTx := make([]bool, len(m.units)) // a statement of the unit runs in a transaction of its service
	for _, s := range m.f.SQL {
		u, ok := m.idx[s.Unit]
		if !ok || s.Tx == "" {
			continue
		}
		if b, ok := txUnit[s.Tx]; ok && comm[b] == comm[u] {
			ownTx[u] = true
		}
	}
	handler := map[int]bool{}
	for _, r := range m.routes {
		handler[r.handler] = true
	}
	single := func(set map[int]bool) int {
		if len(set) != 1 {
			return -1
		}
		for c := range set {
			return c
		}
		return -1
	}
	for u := range m.units {
		a := comm[u]
		if a < 0 || !layered(u) {
			continue
		}
		switch {
		case len(m.acc[u]) > 0:
			owners := map[int]bool{}
			for _, x := range m.acc[u] {
				owners[owner[x.table]] = true
			}
			if b := single(owners); b >= 0 && b != a && !ownTx[u] {
				out[u] = b
			}
		case handler[u]:
			callees := map[int]bool{}
			for _, d := range m.out[u] {
				if d.calls > 0 && comm[d.to] >= 0 {
					callees[comm[d.to]] = true
				}
			}
			if b := single(callees); b >= 0 && b != a {
				out[u] = b
			}
		case m.nsql[u] == 0:
			users := map[int]bool{}
			samePkg := true
			for _, d := range m.in[u] {
				if comm[d.to] >= 0 {
					users[comm[d.to]] = true
					samePkg = samePkg && m.units[d.to].Package == m.units[u].Package
				}
			}
			usesOwn := false
			for _, d := range m.out[u] {
				usesOwn = usesOwn || comm[d.to] == a
			}
			if b := single(users); b >= 0 && b != a && samePkg && !usesOwn {
				out[u] = b
			}
		}
	}
	return out
}
