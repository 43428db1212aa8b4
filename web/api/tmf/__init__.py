"""The TM Forum Open API conventions, written once for every API under ``web/api/tmf6xx_*``.

- ``api``: ``TmfApi``, one API as a blueprint, serving list/create/get/patch/delete for each
  resource, and building ``href``s and references to its resources.
- ``resource``: ``Resource``, what a resource supplies (query, load, mappers, filters), and
  ``model_resource`` for the usual resource over one table.
- ``query``: the listing parameters (``offset``/``limit``, ``fields=``, attribute filters).
- ``filters``: SQL conditions for attribute filters, one per kind of column.
- ``payload``: reading request bodies, field by field, with the reason when input is wrong.
- ``render``: small pieces of JSON every resource renders the same way.
"""
