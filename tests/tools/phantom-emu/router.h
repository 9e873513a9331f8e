/*
 * router.h — maps a REST method and path to one of the emulated Phantom
 * endpoints (the contract's routing table lives here and nowhere else).
 *
 * Ownership: struct route holds only static strings.
 * Thread safety: pure functions; any thread.
 */
#ifndef PHANTOM_EMU_ROUTER_H
#define PHANTOM_EMU_ROUTER_H

#include <stdbool.h>
#include <stdint.h>

enum route_kind {
	R_UNKNOWN,
	R_CONTAINERS,             /* /rest/container */
	R_CONTAINER,              /* /rest/container/<id> */
	R_CONTAINER_ARTIFACTS,    /* /rest/container/<id>/artifacts */
	R_CONTAINER_NOTES,        /* /rest/container/<id>/notes */
	R_CONTAINER_COMMENTS,     /* /rest/container/<id>/comments */
	R_ARTIFACTS,              /* /rest/artifact */
	R_ARTIFACT,               /* /rest/artifact/<id> */
	R_NOTES,                  /* /rest/note */
	R_NOTE,                   /* /rest/note/<id> */
	R_COMMENTS,               /* /rest/container_comment */
	R_COMMENT,                /* /rest/container_comment/<id> */
};

struct route {
	enum route_kind kind;
	uint64_t id;              /* the <id> segment, when the route has one */
	const char *pattern;      /* e.g. "/rest/container/{id}"; "unmatched" for R_UNKNOWN */
	const char *allow;        /* methods the route accepts, for 405's Allow header */
	bool method_ok;           /* the route accepts this method */
};

void router_match(const char *method, const char *path, struct route *out);

#endif
