/* The configuration fuzzing harness (fuzz_config.c), shared by the libFuzzer build
 * (run-fuzz.sh) and the replay driver (replay.c). */
#ifndef FA_FUZZ_CONFIG_H
#define FA_FUZZ_CONFIG_H

#include <stddef.h>
#include <stdint.h>

/* Make the private working directory with the restart files; 0 on success. */
int fuzz_config_init(void);
/* One input: configuration text, then NUL-separated --set assignments. Aborts on a broken
 * invariant; returns 0 otherwise. */
int fuzz_config_one(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
