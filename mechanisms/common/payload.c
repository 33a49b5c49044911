// SPDX-License-Identifier: MIT
/* The payload recorded events carry (see site.h). */
#include "site.h"

#define P4(i)	(unsigned char)(i), (unsigned char)((i) + 1), \
		(unsigned char)((i) + 2), (unsigned char)((i) + 3)
#define P16(i)	P4(i), P4((i) + 4), P4((i) + 8), P4((i) + 12)
#define P64(i)	P16(i), P16((i) + 16), P16((i) + 32), P16((i) + 48)
#define P256(i)	P64(i), P64((i) + 64), P64((i) + 128), P64((i) + 192)

/* byte i is i mod 256: recognisable in a hex dump of the ring buffer */
const unsigned char pc_payload[PC_PAYLOAD_MAX] = {
	P256(0), P256(0), P256(0), P256(0), P256(0), P256(0), P256(0), P256(0),
	P256(0), P256(0), P256(0), P256(0), P256(0), P256(0), P256(0), P256(0),
};
