#include "weft/Runtime.h"
