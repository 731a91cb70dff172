"""Staff sign-in through the city's OpenID Provider: the authorization-code flow with PKCE,
matching the provider's person to a staff account, and the ways sessions end."""
