/*
 * lib_common.h — helpers shared by the cmocka unit tests.
 *
 * TEST_SKIP: cmocka's own skip() prints "not ok N # SKIP" in TAP mode, which
 * prove counts as a failure; a test that cannot run here (no ../shared
 * samples, running as root, ...) says why on a TAP comment line and passes.
 */
#ifndef SOCTERM_TEST_LIB_COMMON_H
#define SOCTERM_TEST_LIB_COMMON_H

#include <stdio.h>

#define TEST_SKIP(why)                                              \
	do {                                                        \
		printf("# skipped in %s: %s\n", __func__, (why));  \
		fflush(stdout);                                     \
		return;                                             \
	} while (0)

#endif
