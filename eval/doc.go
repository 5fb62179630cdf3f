// Package eval answers DSL queries locally, from BIMFACE element data saved
// on disk: what bfquery does when it works from a cache instead of the
// API. Records are loaded once into an Index; each query then costs in
// proportion to the distinct values it looks at and the records it
// matches, not to the size of the model.
//
// # Input
//
// A file of records is what BIMFACE's element endpoints return, in any of
// three forms, possibly gzipped (detected by its magic bytes; positions in
// errors then count in the decompressed text):
//
//   - the envelope {"code":"success","data":[…],"message":""} (a document
//     whose first member is code, data or message is read as one; a code
//     other than "success" is an error carrying BIMFACE's message);
//   - a bare JSON array of records;
//   - records one after another, usually one per line (NDJSON).
//
// Elements have the shape of /data/v2/files/{fileId}/elements:
// elementId, guid, name, familyGuid, boundingBox{min,max{x,y,z}} and
// properties: [{group, items: [{key, value, unit, valueType, …}]}]. Rooms
// and areas (…/rooms, …/areas) have the same properties, their ID in id,
// and fields such as name, levelId, area, perimeter, bboxMin and bboxMax.
//
// A record's printed ID is its elementId (id for rooms and areas). An
// integration's records print as fileId.elementId, as BIMFACE prints
// them: an ID that already holds a dot is kept; otherwise the record's own
// fileId (or fileIdHash) field, string or number, is put in front; failing
// that, the FileID of the manifest part it was read from.
//
// Bad input is an error, never a partial answer: every problem is a
// *dsl.Error naming the file, line and column (characters) and byte
// offset. That includes a truncated document, a record that is not an
// object, properties or items that are not arrays, an item key that is not
// a string, a record without its ID, an ID that is neither a string nor a
// number, and a duplicate printed ID (the whole load fails, naming the
// record that had it first: a cache with two elements of one ID is
// damaged, and keeping either would answer wrongly), a record with two or
// an empty ID, a NUL byte between records, and a gzip stream that is cut
// short or fails its checksum, even where the text read so far parses. A
// UTF-8 byte order mark at the start is skipped. Strings are compared
// byte for byte: BIMFACE's JSON is UTF-8, and bytes that are not are kept
// as they are rather than checked, which would cost load speed.
//
// # Cache directory
//
// A cache directory holds manifest.json and the record files it lists,
// by slash-separated paths relative to the directory:
//
//	{
//	  "version": 1,
//	  "targets": [
//	    {
//	      "type": "file",                  // or "integration"
//	      "id": "1124890692330272",
//	      "source": "https://api.bimface.com/data/v2/files/1124890692330272/elements",
//	      "pulled": "2024-05-01T08:00:00Z",
//	      "counts": {"elements": 4000, "rooms": 40, "areas": 8},
//	      "elements": [{"path": "file-1124890692330272/elements.ndjson.gz"}],
//	      "rooms": [{"path": "file-1124890692330272/rooms.ndjson.gz"}],
//	      "areas": [{"path": "file-1124890692330272/areas.ndjson.gz"}]
//	    },
//	    {
//	      "type": "integration",
//	      "id": "1648888854324400",
//	      "counts": {"elements": 2, "rooms": 0, "areas": 0},
//	      "elements": [{"path": "i/a.ndjson", "fileId": "1648888854324461"}, …]
//	    }
//	  ]
//	}
//
// Manifest, TargetManifest, Counts and Part are its Go form; WriteManifest
// and ReadManifest write and read it. Loading checks the version (only 1
// is known), that paths stay inside the directory, and that each count
// equals the records its files hold, so that an interrupted pull is
// reported rather than answered from. Several element files of one target
// form one index; IDs must be unique across them.
//
// Open takes a cache directory or a single file of elements; a single file
// answers for whatever target a query names.
//
// # Index files
//
// Beside the first file of each list of records (elements, rooms, areas)
// of a target, a cache may hold its index, {type}-{id}.{list}.bfqidx,
// written by pull (with IndexBuilder, from each file as it is saved), by
// "bfquery index DIR" and by WriteIndexes. Open loads the JSON of the lists without one; a list with
// one is opened on its first use (Target.Index) and mapped from the file
// when it is current, so that opening costs what queries read of it: a
// query on a target's elements maps no other list, and reads of the
// file its header, its directory of keys, and the keys it names. An
// index file records the size, modification time and CRC-32C of each
// file it was built from. A part whose size and time are unchanged is
// taken as unchanged, without reading it: checking a cache of gigabytes
// by content would cost each one-shot query seconds, and a change that
// keeps both the size and the modification time to the nanosecond is
// not what a pull, an editor or a copy does. A part whose time alone
// changed (a copy) is read and compared by content; one whose size
// changed is stale. A stale or damaged index file is never used: the
// list is loaded from its JSON instead, the file rebuilt from it where
// the directory is writable and ignored otherwise, and Options.Notify
// gets one line saying which. Index files are written to a temporary
// file and renamed, so a reader sees the old one or the new one.
//
// The format (version 3) is little-endian:
//
//	header, 24 bytes: "BFQINDEX", version u32, section count u32,
//	  CRC-32C of the section table u32, CRC-32C of the 20 bytes before u32
//	section table: per section, offset u64 (a multiple of 8), length u64,
//	  CRC-32C u32 (0 for the keys' data), 4 bytes of zeros
//	sections, in this order, each at its offset, zero-padded between:
//	  0 meta, JSON: {"records":n,"parts":[{"path","fileId","size","mtime","crc32c"}]}
//	  1 key names, one after the other; 2 their offsets, u32[K+1]
//	  3 hash table of key number+1 by name (a power of two in size)
//	  4 per key, its first value number, u32[K+1]
//	  5 per key, the start of its hash table of values, u32[K+1]
//	  6 per key, the start of its numeric view, u32[K+1]
//	  7 per key, the records holding it, u32[K]
//	  8 per key, the CRC-32C of its data in sections 21–32, u32[K]
//	  9 the keys that have a unit, ascending, u32[U]; 10 the start of
//	    each one's unit in 11, u32[U+1]; 11 the units
//	  12 the keys with records holding several of their values,
//	    ascending, u32[M]; 13 the start of each one's records in 21 and
//	    22, u32[M+1]
//	  14 record IDs as printed, one after the other
//	  15 their end offsets, u32[n+1] (starting with 0)
//	  16–20 per record, value number+1 of its first name, categoryName,
//	    floor, family and familyType (0: none), u32[n] each
//	  21 the records holding several values of a key, ascending per
//	    key, u32; 22 the local value number of each one's first
//	    candidate, u32
//	  23 value kinds, u8[V]; 24 value text offsets, u32[V+1]
//	  25 value texts, each followed by a 0 byte
//	  26 the keys' hash tables of local value number+1
//	  27 set offsets into 28, u32[V+K+1]; 28 record numbers, u32
//	  29 the sets kept as bitmaps, u32 (ascending); 30 their offsets
//	    into 31, u64; 31 roaring bitmaps, portable format, 8-aligned
//	  32 per key, the local numbers of its numeric values sorted by
//	    number (ties in value order), u32; the numbers themselves are
//	    parsed from the texts as a search needs them
//
// The hash of a text t of kind c (1 string, 2 number, 3 boolean; 0 for
// key names) is fixed: see hashText. Each part of the file is checked
// against its CRC-32C on its first use, so that a query reads no more of
// the file than it needs: sections 0–13 (the meta and the directory of
// keys) when the list is opened; 14–15 when Target.Index or Cache.Index
// first hands the list out, as answers print record IDs (Cache.Count
// and Cache.Keys, which do not, skip them); 16–20, with the keys they point into, when a
// table first shows a record (Index.Record); a key's data in sections
// 21–32 (the byte ranges of its first candidates and their values,
// kinds, text offsets, texts, hash table, set offsets, record numbers,
// bitmap set numbers, bitmap offsets, bitmaps and numeric view, in that
// order) the first time a query uses the key. A mismatch found when the
// list is opened makes the file damaged, as above; one found later is an
// error of the Index's methods naming the file and what failed, never an
// answer, which Cache.Repair mends as opening does (the list loaded from
// its JSON, the file rebuilt where it can, a line to Options.Notify):
// Cache.Count, Query and Run, and so the CLI and the shell, then answer
// again. An index file
// of another version is rebuilt, as a stale one is.
//
// # Semantics
//
// For a key F and a record R, the candidate values are:
//
//   - the value reached by walking R's top-level object along F split at
//     '.', each part a whole member name, when it ends on a string, a
//     number or a boolean, or each such scalar of an array it ends on
//     (boundingBox.min.x, elementId, name, guid…). Member names holding a
//     dot cannot be reached this way. properties is not walked: its items
//     count by the next rule;
//   - the value of every property item, in any group, whose key equals F
//     exactly. A null value is no value.
//
// Both contribute, and a key may have several values (the same key in two
// groups). A record without candidates for F matches no clause on F.
//
// match F = v holds when some candidate equals v:
//
//   - two strings: byte for byte (case-sensitive, no trimming);
//   - a number and a number, or a number and a numeric string: equal as
//     float64. A string is numeric only if it follows JSON's number grammar
//     exactly (dsl.IsNumber): "30.0" and "1e3" are; " 30", "030", "+30",
//     "NaN" and "1,200" are not. So the query string "30" equals the
//     candidate number 30.0, but not the candidate string "30.0": two
//     strings compare byte for byte;
//   - a boolean equals the same boolean or the string "true" / "false";
//   - nothing else is equal.
//
// contain F ⊇ v holds when some candidate's text contains v's text,
// case-sensitive. A string's text is itself, a number's is its literal as
// written in the JSON (3000.0 stays "3000.0"), a boolean's is true or
// false. An empty v matches every record that has F.
//
// in F (v1 … vn) is match against any vi. A query object, boolAnd and
// ObjectQuery are the AND of their clauses; boolOr is the OR.
//
// The rest of the query language, which BIMFACE's DSL has no clause for:
//
//   - NOT q holds for the records of the target that q does not match, as
//     Elasticsearch's must_not: a record without F matches NOT (F = v).
//     F != v is NOT (F = v); NOT IN, NOT LIKE, NOT CONTAINS and NOT
//     BETWEEN likewise;
//   - F < n (<=, >, >=) holds when some candidate is numeric (a number or
//     a numeric string, as for match) and compares true with n as
//     float64; n must be a number;
//   - F BETWEEN a AND b holds when some single candidate c has
//     a <= c <= b (F > a AND F < b may hold through two candidates);
//   - F LIKE p holds when some candidate's text (as for contain) matches
//     the whole pattern, case-sensitive: % is any run of characters, _ is
//     one character, a backslash makes the next character literal.
//     '%text%' is exactly contain;
//   - F IS NOT NULL holds when F has at least one candidate; IS NULL when
//     it has none;
//   - F ILIKE p is LIKE with case folded: two characters match when
//     Unicode's simple case folding makes them equal (strings.EqualFold:
//     k, K and the Kelvin sign K; ß is not ss);
//   - F REGEXP p (F ~ p) holds when some candidate's text holds a match
//     of p, a regular expression in Go's RE2 syntax, unanchored.
//
// # Columns, groups and aggregates
//
// A statement with a SELECT list (Cache.Run, Tabulate) answers with rows.
// Its records are those the query matches, or every record of the
// target without WHERE: elements, rooms or areas, as the statement's
// Select says (an ID column, or FROM rooms OF … in the query text). The value of a key F for a record, in a column,
// a group or an aggregate, is its first candidate: the first value of the
// top-level field (the first scalar of an array), or failing one the
// value of the first property item with key F in document order — what
// BIMFACE's property panel shows. A record without candidates has NULL: an
// empty cell, JSON null. The ID column is the record's printed ID,
// targetId the target's ID.
//
// Without GROUP BY or aggregates, each record is a row, in cache order,
// target after target. With them, the records are grouped by the values
// of the GROUP BY keys (no GROUP BY: one group of all the records, which
// exists even when no record matched): two values are the same group when
// they have the same kind and text, so 30 and 30.0, or the number 30 and
// the string "30", are distinct groups, and NULL forms a group of its own.
// Groups come in the order of their first record. Over several targets,
// records of every target form one set, and GROUP BY targetId groups them
// by target. Aggregates over a group:
//
//   - COUNT(*) counts its records, COUNT(F) those that have F, COUNT(DISTINCT
//     F) the distinct values of F (as groups tell them apart), NULL not
//     counted;
//   - SUM(F) and AVG(F) take the records whose value is numeric (a number
//     or a numeric string, as ranges read them) and skip the others, as
//     SQL skips NULL; with none, they are NULL. Sums are float64, added in
//     cache order; a result is written as a JSON number, in plain digits
//     where they are shorter;
//   - MIN(F) and MAX(F) take the numeric values when the group has any,
//     compared as numbers, and the text of the other values (booleans as
//     true and false) otherwise, compared by code point; the result is the
//     value as it was written (the first of equal ones). With no value,
//     NULL.
//
// HAVING keeps the groups its condition matches, each column of the row
// being the one candidate of its name; SELECT DISTINCT drops rows that
// repeat an earlier one's values (same kind and text). ORDER BY sorts
// stably, each item ascending or descending: numeric values (numbers and
// numeric strings) by number, before text by code point (booleans as
// text), and descending the reverse, text first; NULLs last in either
// direction. IDs and target IDs are text, numeric when they follow
// JSON's number grammar. Rows that an ORDER BY leaves equal keep their
// order, so that every statement's order is defined: records in cache
// order, groups in the order of their first record. OFFSET m skips m rows and LIMIT n
// keeps n. A key's unit is that of the first property item of the key
// with a non-empty unit.
//
// Results are
// IDs in cache order, without duplicates, one Result per requested target,
// which marshals as BIMFACE's data does:
// [{"elementIds":[…],"targetId":"…"}].
//
// # Index
//
// The index is a few flat arrays, however many keys the records have, so
// that a key costs a few words besides its name and values, even when
// every record has keys of its own. Keys are numbered in the order first
// read and found through a hash table of their names. Values are numbered
// key after key, each key's in the order first read: a kind byte, the
// text in one blob (each value followed by a 0 byte) and its offset. Each
// key with more than 8 values has a hash table of them, for exact
// lookups; smaller keys are searched one value at a time. Each value has a
// set of records, and each key the set of every record holding it ("has
// F"): a sorted slice for a small set, a roaring bitmap (in roaring's
// portable format) from 64 records. match looks values up in the hash
// table and, for numbers, in a per-key list of numeric values sorted by
// float64, which ranges search by bisection; contain runs one substring
// search over the key's part of the blob; LIKE tests each distinct value
// once; NOT complements against the record count, IS NOT NULL is the
// key's own set. Queries never change the index, so a loaded Index or
// Cache may serve concurrent queries.
//
// For columns and aggregates, a key's first candidate per record is kept
// in a column built on first use from the postings (4 bytes a record),
// with, for the few records that hold several values of the key, the
// first one, which the loader notes as it reads them. A table of records
// (no grouping) keeps, per row, the record and, per key column, the
// number of its first candidate among the key's values (4 bytes a cell);
// its text is read from the index when the row is written, so that a
// Table of records is used while its cache is open.
//
// The index keeps, besides, each record's ID and the first value of name,
// categoryName, floor, family and familyType for tables (Index.Record);
// the JSON itself is not kept. Index.Values lists a key's distinct values
// (what /query/propertyValues returns), Index.Keys the keys with counts,
// Index.Explain how many records each clause matched.
package eval
