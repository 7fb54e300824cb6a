/*
 * File modes as text: "drwxr-xr-x", as ls -l and stat(1) show them.
 * Pure: host-testable.
 */
#pragma once

#include <stdint.h>

/* Write @mode's type letter and permission string into @buf (10
 * characters and a NUL). Unknown file types show as '-'. */
void filemode_string(uint32_t mode, char buf[11]);
