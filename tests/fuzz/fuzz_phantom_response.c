/*
 * fuzz_phantom_response.c — libFuzzer target for the Phantom answer
 * classifier (phantom_classify in core/phantom.c).
 *
 * Input layout: byte 0-1 = HTTP status (big endian, any value), byte 2 =
 * content type selector, byte 3 = Retry-After selector, the rest = body.
 * Checks: never crashes, the outcome is one of the five, the error text is
 * terminated printable ASCII, and a success never carries an error text.
 *
 *   clang -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -I. \
 *     tests/fuzz/fuzz_phantom_response.c core/phantom.c core/util.c \
 *     $(pkg-config --cflags --libs jansson libcurl) -o fuzz_phantom_response
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/phantom.h"

static const char *const ctypes[] = {
	NULL, "application/json", "application/json; charset=utf-8", "text/html",
	"text/plain", "application/javascript", "TEXT/HTML; charset=iso-8859-1", "",
};
static const char *const retry[] = {
	NULL, "30", "0", "-5", "99999999999999999999", "Wed, 21 Oct 2015 07:28:00 GMT", "soon", " 7 ",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 4)
		return 0;
	long status = (long)((data[0] << 8) | data[1]);
	const char *ct = ctypes[data[2] % (sizeof ctypes / sizeof ctypes[0])];
	const char *ra = retry[data[3] % (sizeof retry / sizeof retry[0])];
	struct phantom_result r;
	memset(&r, 0, sizeof r);
	phantom_classify(status, ct, (const char *)data + 4, size - 4, ra, &r);
	if ((unsigned)r.outcome > PH_AUTH)
		abort();
	size_t n = strnlen(r.error, sizeof r.error);
	if (n == sizeof r.error)
		abort();
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)r.error[i] < 0x20 || (unsigned char)r.error[i] >= 0x7f)
			abort();
	if (phantom_ok(&r) && n != 0)
		abort();
	if (r.outcome == PH_EXISTING && r.id <= 0)
		abort();
	phantom_result_clear(&r);
	char text[64];
	phantom_body_text((const char *)data + 4, size - 4, text, sizeof text);
	if (strnlen(text, sizeof text) == sizeof text)
		abort();
	return 0;
}
