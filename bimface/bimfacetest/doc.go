// Package bimfacetest is a BIMFACE simulator: an http.Handler that serves
// the model-data API from a bfquery cache directory, answering DSL
// queries with the local engine (package eval) and element, room and area
// reads with the records the cache holds, in BIMFACE's envelopes and
// exactly the wire shapes package bimface sends and expects.
//
// It is meant for tests (NewServer starts one on loopback and closes it
// with the test) and for trying bfquery without an account (Serve).
//
//	s := bimfacetest.NewServer(t, data)
//	c := s.Client() // a *bimface.Client with the simulator's credentials
//
// # What it serves
//
//   - POST /oauth2/token, checking Basic appKey:appSecret; GET /view/token;
//   - POST (or GET with a body) /data/v2/query/elementIds, roomIds and
//     areaIds, with paginationContextId and paginationSize paging;
//     GET /data/v2/query/paginationContextId and propertyValues;
//   - under /data/v2/files/{fileId}/ and /data/v2/integrations/{id}/:
//     elementIds (the six-dimension filters are match clauses on their
//     keys), elements (batches of at most 1000 IDs), elements/{id},
//     rooms, rooms/{id}, areas, areas/{id}, floors and tree.
//
// Floors, trees and room containment are derived from the records:
// a floor is a floorId with its floor name (elevation and height from the
// bounding boxes of its elements), the tree groups elements by floor,
// category, family and family type, and an element is in a room when its
// bounding box is inside the room's (STRICT), its centre is (ORDINARY, the
// default) or the boxes overlap (LENIENT). BIMFACE computes these from
// geometry the cache does not keep; the simulator's answers have the right
// shapes, not BIMFACE's exact numbers.
//
// The simulator is strict about the DSL: it reads queries with
// dsl.Unmarshal, which knows only the documented clauses (match, contain,
// in, boolAnd, boolOr), and answers anything else, such as the not, range
// or like of bfquery's extended JSON, with 400 input.parameter.error, as
// BIMFACE does; WithoutIn refuses in too. So a test that runs a plan
// against it proves the plan uses nothing BIMFACE lacks.
//
// Every data request needs a valid access token (401 authentication.failed
// otherwise) or a view token of the target it reads. An unknown target is
// 404 file.not.found, for integrations too; invalid input is 400
// input.parameter.error with the reason, for a DSL the *dsl.Error text.
//
// # Faults
//
// Faults makes the simulator fail on purpose: 5xx system.error, 429 with
// Retry-After, bodies cut in half with the connection closed, added
// latency, tokens revoked every n requests, or anything a test's Intercept
// does. Random faults draw from an RNG seeded by Faults.Seed, one draw per
// request in arrival order, so a run of sequential requests fails the same
// way every time. The token endpoint is never faulted.
package bimfacetest
