"""The website the back end serves: storefront, product pages with the estimator, staff pages (see docs/web.md)."""
