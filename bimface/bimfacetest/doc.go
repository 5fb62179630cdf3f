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
// # Lifecycle
//
// New makes a simulator; it is an http.Handler, and Serve (or
// ListenAndServe) runs it until a context is done. Close ends it, after
// the server has stopped: it stops the timers that would end running
// jobs (they stay running), cancels the callbacks being sent and waits
// for them, and removes the uploaded files. Nothing the simulator
// started runs after Close returns. NewServer closes its server and
// then its simulator when the test ends; bfquery serve closes it when
// it stops.
//
//	sim, err := bimfacetest.New(data, opts...)
//	defer sim.Close()
//	err = sim.Serve(ctx, ln)
//
// # Layout
//
// The files are named after the resources they answer, as in package
// bimface: auth.go (token, view token), query.go (query/elementIds,
// roomIds, areaIds, paginationContextId, propertyValues), model.go
// (elementIds, elements, rooms, areas and floors of files and
// integrations), tree.go, files.go (upload, files, metadata, support,
// download, delete), upload_direct.go (policy and object storage),
// upload_append.go (appendFiles), translate.go, integrate.go,
// compare.go, databags.go and shares.go. simulator.go holds New, Close
// and the table of routes; options.go every Option; store.go the
// uploaded files and jobs; jobs.go what jobs share (ending them, their
// callbacks); envelope.go BIMFACE's answers and request reading; data.go,
// derived.go and paging.go what is served and how lists are cut.
//
// # What it serves
//
//   - POST /oauth2/token, checking Basic appKey:appSecret; GET /view/token;
//   - POST (or GET with a body) /data/v2/query/elementIds, roomIds and
//     areaIds, cut and paged as BIMFACE does (below);
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
// # BIMFACE's limits
//
// The simulator holds clients to the limits of today's BIMFACE, which
// the seed pages do not state (shared/seeds/README.md, "Limits and shapes
// of today's BIMFACE"), so that a client that forgets them fails here
// first:
//
//   - every ID list (query/elementIds, roomIds, areaIds, and the
//     elementIds of files and integrations) that is not paged is cut at
//     DefaultIDCap (10,000) IDs, silently (WithIDCap, WithoutIDCap);
//   - paging: GET /data/v2/query/paginationContextId hands out a context
//     that lives DefaultPaginationTTL (5 minutes, WithPaginationTTL);
//     paginationSize must be in (0, 10000] (WithMaxPageSize); the
//     context's first call fixes the list and the page size, later calls'
//     parameters and bodies are ignored; a call after the page that held
//     fewer than paginationSize IDs is an error, as is a paginationNo
//     that does not count the calls, or a context used on another
//     endpoint; the live contexts are bounded and expire. A query over
//     several targets counts its cap and pages across the targets, in
//     their order, unless WithPerTargetPaging counts them per target: the
//     documents say neither;
//   - propertyValues answers values as strings, each value's text, as
//     the seed's example does (WithTypedPropertyValues for JSON types);
//   - an integration's batch element read takes the body of the current
//     reference, {"ids": [{"fileIdHash", "elementIds"}]}, and refuses the
//     bare array of older SDKs (WithLegacyIntegrationBody reverses that);
//   - GET /shares answers a paged {"list", "page"} (pageNo, pageSize).
//
// bfquery serve has a flag for each.
//
// # Uploads and jobs
//
// The simulator is also BIMFACE's file server and job API, in memory:
// PUT /upload (a stream, or url=), GET /upload/policy with an object
// storage at /oss/ that takes the policy's form POST, /appendFiles for
// resumable uploads, /files, /metadata, /support, /download/url and
// DELETE /file; PUT and GET /translate, POST /v1/{projectId}/translations
// (DefaultProjectID, paged with searchAfter), /integrate, /v2/compare,
// .../offlineDatabag and /data/databag/downloadUrl, and /share(s). A
// translation ends after WithTranslateDelay, fails as WithTranslateFailure
// says, sends its signed callback, and makes the file queryable: its model
// is WithModel's for its name, or generated by internal/modelgen seeded
// by the file ID. An integration joins its files' elements, with each
// source's floor and specialty, the request's floor mapping and property
// overrides. A comparison of two translated files (or integrations) ends
// like a translation, successfully; it can then have an offline databag
// and view tokens. Faults.CutUploadAfter cuts append uploads
// mid-body; UploadedBytes counts what arrived.
//
// Uploaded files are kept on disk, in a temporary directory that Close
// removes (NewServer closes its simulator when the test ends), so a large
// upload costs disk rather than memory.
//
// # Serving others
//
// Serve runs the simulator for other programs and hosts (bfquery serve),
// and the simulator guards what such a server must:
//
//   - tokens, view tokens, callback nonces and upload keys are 130 random
//     bits from crypto/rand; access tokens expire after WithTokenTTL (7
//     days), view tokens ViewTokenTTL (12 hours) after their last use, and
//     at most WithMaxTokens of each are kept, the first to expire going
//     first;
//   - download URLs carry an HMAC-SHA256 of the file ID and expiry under a
//     key drawn at New, checked in constant time, and expire after
//     DownloadURLTTL (5 minutes), so sequential file IDs reveal nothing;
//   - a direct upload's policy and signature are checked before its file
//     is read, its body is capped at the supported size, and every upload
//     streams to disk;
//   - uploads from a URL and callbacks use a client with timeouts, the
//     request's context and no proxy, and the dialer refuses internal
//     addresses (loopback, private, link-local, carrier NAT and other
//     special ranges) as it connects, after name resolution and on every
//     redirect, unless WithInternalURLs;
//   - Serve times out headers, requests, answers and idle connections and
//     holds at most MaxConns connections (Limits, WithLimits); uploads and
//     downloads move the deadlines on while their bytes move;
//   - it keeps at most WithMaxEntries (DefaultMaxEntries, 100,000) files,
//     append files, integrations, comparisons, offline databags and share
//     links, each: a request that would store one more is answered 400
//     quota.exceeded until something is deleted (a deleted target's
//     databag goes with it). Upload policies are bounded by the same
//     number as tokens are, the first to expire going first.
//
// It does not: speak TLS (put a TLS proxy in front), tell users apart
// (one app key and secret, WithCredentials, open everything), bound the
// total size of uploads, keep anything across restarts, or limit
// request rates. Its default credentials, AppKey and AppSecret, are
// published: a simulator that others can reach needs its own.
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
