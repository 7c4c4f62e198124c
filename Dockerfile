# The suite's image: the official Odoo 17 image plus what the suite needs beyond Odoo's own
# requirements, installed once at build time (`docker compose build`, or automatically by
# `docker compose up`). The addons themselves are mounted from the checkout by
# docker-compose.yml (/mnt/extra-addons, already in the image's addons path).
FROM odoo:17.0

USER root
# - OCA partner_firstname, on which portal_field_access depends. --no-deps: its only
#   requirement, Odoo, is the image's own (a Debian package pip does not see).
# - websocket-client: browser tours (HttpCase.start_tour) talk to Chromium through it.
# python-stdnum (SIRET checks) already comes with the image (Debian's python3-stdnum).
ARG SUITE_PIP_PACKAGES="odoo-addon-partner-firstname>=17.0,<17.1dev websocket-client>=1.0"
# hadolint ignore=DL3013
RUN pip3 install --no-cache-dir --no-deps ${SUITE_PIP_PACKAGES} \
    && python3 -c "import stdnum.fr.siret, websocket" \
    && test -f /usr/local/lib/python3*/dist-packages/odoo/addons/partner_firstname/__manifest__.py
USER odoo
