/* fuzz_envelope.c: the collector's view of one untrusted message: Envelope decoding, then
 * the checks applied to every result of a batch. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "result.h"
#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *why;
	Peil__Envelope *env = wire_decode(data, size, &why);

	if (env == NULL)
		return 0;
	if (env->body_case == PEIL__ENVELOPE__BODY_RESULT_BATCH) {
		Peil__ResultBatch *rb = env->result_batch;

		for (size_t i = 0; i < rb->n_results; i++) {
			if (result_check(rb->results[i]) == 0) {
				/* What the collector prints must survive hostile strings. */
				FILE *f = fopen("/dev/null", "w");

				if (f != NULL) {
					result_write_json(rb->results[i], f);
					result_write_csv(rb->results[i], f);
					fclose(f);
				}
			}
		}
	}
	wire_envelope_free(env);

	/* The collector decodes into an arena with a memory limit: the same input there. */
	{
		static struct wire_arena *arena;

		if (arena == NULL && (arena = wire_arena_new(64u << 20)) == NULL)
			return 0;
		(void)wire_decode_arena(data, size, arena, &why);
		wire_arena_reset(arena);
	}
	return 0;
}
