// Package decompose turns the fact base into a Proposal: it clusters units into
// business-capability services, keeps the shared kernel out, assigns every table one owner,
// lists every cross-boundary coupling as a Finding with evidence and remedy, computes the
// metrics and orders the extraction. It also evaluates a user's carve.yaml the same way and
// scores a proposal against a hand-written truth. Functions are pure and deterministic; they
// may be called concurrently on different inputs.
package decompose
