"""What a cell of an uploaded file (roster, directory) may hold, read and normalised: phones
(E.164), INSEE and postal codes, dates, emails, pathway states. Pure."""
