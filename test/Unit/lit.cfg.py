# -*- Python -*-
# lit configuration of the gtest unit tests (test/Unit/*Test.cpp).

import os

import lit.formats

config.name = "QUANTOPT-Unit"
config.suffixes = []
config.test_exec_root = os.path.join(config.quantopt_obj_root, "test", "Unit")
config.test_source_root = config.test_exec_root
config.test_format = lit.formats.GoogleTest(".", "Tests")
