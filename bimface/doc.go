// Package bimface is a client for the model-data API of BIMFACE, Glodon's
// cloud service for BIM models: the DSL queries that find element, room
// and area IDs, and the endpoints that read elements, rooms, areas, floors
// and category trees of translated files and integrated models.
//
// A Client is made with options and used through its services:
//
//	c, err := bimface.NewClient(bimface.WithCredentials(appKey, appSecret))
//	...
//	req := dsl.File("1124890692330272").Where(dsl.Match(dsl.Floor, "F11"))
//	found, err := c.Query.IDs(ctx, dsl.SelectElements, req, nil)
//	...
//	elems, err := c.Files.Elements(ctx, "1124890692330272", found[0].IDs, nil)
//
// # Authentication
//
// With WithCredentials the client fetches an access token from
// /oauth2/token (Basic appKey:appSecret), caches it until shortly before
// its expireTime (China time), and sends it as a Bearer token. Concurrent
// callers share one fetch. When BIMFACE answers 401 or
// "authentication.failed", the token is dropped, a new one fetched, and the
// request sent once more. With WithViewToken the client instead adds
// ?view_token= to every data request; Client.ViewToken makes such tokens.
//
// # Requests
//
// Every endpoint method is a thin wrapper around NewRequest and Do, which
// callers may also use for endpoints this package does not cover. Do
// decodes BIMFACE's {"code", "message", "data"} envelope, reading at most
// WithMaxResponseBytes, and turns any failure into an *Error carrying the
// HTTP status, BIMFACE's code and message. Tokens, the app secret,
// view_token values, their base64 forms and the Basic credential never
// appear in an error, whole or in part: a body is redacted before it is
// cut for display.
//
// The query endpoints and the element batch read send a JSON body. They are
// POSTs by default, as BIMFACE's SDKs send them; WithQueryGET sends them as
// GET with a body, as the older documentation shows. They only read, so
// they are retried like GETs.
//
// # Retries
//
// GETs and read-only POSTs are retried on connection errors, per-attempt
// timeouts (WithTimeout), 5xx and 429; other requests only on 429. Waits
// grow exponentially with full jitter, or follow Retry-After, and are
// bounded by the RetryPolicy's attempt count and time budget. A cancelled
// context ends the call at once with ctx.Err().
//
// # Batches and pages
//
// Element batch reads are split into requests of at most MaxBatchIDs IDs,
// run with bounded concurrency (WithBatchConcurrency), and their results
// joined in input order.
//
// Every ID list is read in pages, because BIMFACE cuts an unpaged one at
// MaxPageSize (10,000) IDs without a word: Query.IDs (elementIds, roomIds,
// areaIds), and the elementIds of Files and Integrations. A listing takes
// a pagination context and asks for pages of WithPageSize (or
// QueryOptions.PageSize) IDs until one is short; a query over several
// targets is one listing per target, so that it is exact however BIMFACE
// counts a page. The server keeps the cursor, so a failed page is not
// asked for again: the listing starts over with a fresh context, after a
// backoff, a bounded number of times. An answer is complete and without
// a duplicate ID, or the call fails; a page larger than asked for means
// the server does not page and is an error.
//
// # Files and jobs
//
// SourceFiles talks to the file server (FileBaseURL): stream, URL, policy
// (direct to object storage) and resumable append uploads, each checked
// first against /support; file information, lists, download URLs and
// deletion. Translate, Integrate, Compare and Databags start the jobs that
// turn files into model data and follow them; Translate.List is an iterator
// over a project's translations that follows searchAfter. Jobs report
// their end to a callback URL: ParseCallback and CallbackHandler check
// its MD5 signature in constant time, and CallbackHandler also refuses a
// callback of a kind it was not made for, or whose nonce it has seen.
// Shares makes share links.
package bimface
