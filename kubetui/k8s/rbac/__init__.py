"""The user's rights: SelfSubjectRulesReview, and which namespaces can be read after a 403.
"""
