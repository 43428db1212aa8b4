"""Product catalog: specifications, offerings, prices, tariffs, bundles, discounts, lifecycle."""
