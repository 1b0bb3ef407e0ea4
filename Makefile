# Customer relationship management for Odoo 18.0
#   make run     demo database customer_demo served at http://localhost:8069
#   make test    the whole test suite (unit, integration, browser tours)
#   make bench   benchmark on a scaled database
#   make stress  parallel order confirmations, with and without our modules
#   make lint    pre-commit checks
#   make replica a streaming replica of the cluster; read-only calls served by it
SHELL := /bin/bash
BOOT := tools/bootstrap.sh
VENV := .venv
HTTP_PORT ?= 8069
PYTEST_ARGS ?=

.PHONY: run test setup lint bench stress replica pot clean

setup:
	@bash $(BOOT) setup

run:
	@bash $(BOOT) demodb
	@echo "Odoo is at http://localhost:$(HTTP_PORT) (login admin, password admin, database customer_demo)"
	@HTTP_PORT=$(HTTP_PORT) bash $(BOOT) odoo -d customer_demo --db-filter='^customer_demo$$' --log-level=info

# pytest runs from .build/ on the linked module, so that test modules are
# named after the module (odoo.addons.customer_relationship...), whatever the
# checkout's folder is called. After the tests, the upgrade, uninstall and
# reinstall of every module on copies of the test template (README.md,
# Module lifecycle); not in a focused run (PYTEST_ARGS) unless MODULE_CHECK=1.
MODULE_CHECK ?= $(if $(PYTEST_ARGS),0,1)
# The suites of the OCA modules the plugins build on run too, with every
# module of the project installed (collected as Odoo's own runner does:
# tools/pytest_odoo_loader.py); not in a focused run unless OCA_CHECK=1.
# helpdesk_mgmt's test_js.py is replaced by customer_complaint's
# test_helpdesk_unit_tests.py (README.md, Tests).
OCA_SUITES = helpdesk_mgmt helpdesk_mgmt_sla helpdesk_mgmt_rating helpdesk_type helpdesk_mgmt_sale
OCA_CHECK ?= $(if $(PYTEST_ARGS),0,1)
test:
	@bash $(BOOT) testdb
	@cd .build && PYTHONPATH=../tools ../$(VENV)/bin/python -m pytest -p pytest_noskip \
		-p pytest_module_lifecycle $(if $(filter 1,$(MODULE_CHECK)),--module-lifecycle) \
		-p pytest_odoo_loader -p no:cacheprovider --confcutdir=. --odoo-config=odoo.cfg \
		--odoo-database=customer_test --odoo-http \
		-q -rfEs $(PYTEST_ARGS) addons/customer_relationship/tests \
		$$(cd .. && for d in addons/*/tests; do [ -d "$$d" ] && echo "../$$d"; done) \
		$(if $(filter 1,$(OCA_CHECK)),$$(../$(VENV)/bin/python ../tools/pytest_odoo_loader.py $(OCA_SUITES)))

# SCALE=small (10,000 customers, 100,000 orders) or SCALE=CUSTOMERS:ORDERS;
# default 100,000 customers and 1,000,000 orders. MODULES=a,b: only the steps
# of those modules (and their floors). See README.md, Benchmark.
bench:
	@bash $(BOOT) setup && bash $(BOOT) pg && bash $(BOOT) config
	@$(VENV)/bin/python tools/bench.py $(if $(SCALE),--scale $(SCALE)) $(if $(MODULES),--modules $(MODULES))

# A prefork Odoo on copies of the demo database and of a vanilla one; see
# README.md, Concurrency. CLIENTS=60 ORDERS=200 ORDER_CLIENTS=20 by default.
stress:
	@bash $(BOOT) demodb && bash $(BOOT) config
	@$(VENV)/bin/python tools/stress.py $(if $(CLIENTS),--clients $(CLIENTS)) \
		$(if $(ORDERS),--orders $(ORDERS)) $(if $(ORDER_CLIENTS),--order-clients $(ORDER_CLIENTS))

# A hot standby of the project cluster, Odoo on the demo database with
# --db_replica_host/port, and tools/replica_check.py; see README.md,
# Running in production.
replica:
	@bash $(BOOT) replica

lint:
	@bash $(BOOT) setup
	@[ -x $(VENV)/bin/pre-commit ] || $(VENV)/bin/python -m pip -q install pre-commit==4.7.0
	@$(VENV)/bin/pre-commit run --all-files

pot:
	@bash $(BOOT) pot

clean:
	rm -rf .build $(VENV)
